"""The deal rollup: what /analytics/ reads for deal figures, and how fresh the page says it is."""

import itertools
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from analytics.models import DealDayRollup, RollupFreshness
from analytics.rollup import deal_rollup_refresh, deal_rollup_refresh_recent
from analytics.tasks import deal_rollup_refresh_recent as refresh_recent_task
from deals.models import DealStatus
from tests.deals.factories import DealRegistrationFactory
from tests.directory.factories import CompanyFactory

pytestmark = pytest.mark.django_db
URL = reverse("analytics:index")
DOMAINS = itertools.count()


def approved_deal(company, when, value="1000"):
    return DealRegistrationFactory(
        company=company,
        customer_domain=f"customer-{next(DOMAINS)}.test",
        status=DealStatus.APPROVED,
        submitted_at=when - timedelta(hours=2),
        approved_at=when,
        decided_at=when,
        protected_until=when + timedelta(days=90),
        value=Decimal(value),
        currency="USD",
    )


def registrations_shown(client) -> str:
    page = client.get(URL).content.decode()
    return page.split('data-figure="registrations">')[1].split("<")[0]


def test_without_a_rollup_deal_figures_are_counted_live(staff_client):
    approved_deal(CompanyFactory(), timezone.now())
    assert registrations_shown(staff_client) == "1"
    assert (
        "Deal registration figures are counted live too." in staff_client.get(URL).content.decode()
    )


def test_the_page_says_how_fresh_the_rollup_is_and_can_bring_it_up_to_date(staff_client):
    company = CompanyFactory()
    approved_deal(company, timezone.now() - timedelta(days=1))
    deal_rollup_refresh()
    page = staff_client.get(URL).content.decode()
    assert "Deal registration figures are as of" in page
    assert registrations_shown(staff_client) == "1"
    approved_deal(company, timezone.now())
    assert registrations_shown(staff_client) == "1"  # not yet in the rollup
    response = staff_client.post(reverse("analytics:refresh"), {"next": URL})
    assert response["Location"] == URL
    assert registrations_shown(staff_client) == "2"


def test_the_recent_refresh_rebuilds_only_the_last_days(staff_client):
    company = CompanyFactory()
    old = approved_deal(company, timezone.now() - timedelta(days=40))
    deal_rollup_refresh()
    old.value = Decimal("5")
    old.save()
    approved_deal(company, timezone.now())
    assert refresh_recent_task.delay().get() >= 1
    assert DealDayRollup.objects.filter(submitted=1).count() == 2
    assert RollupFreshness.objects.get().refreshed_at > RollupFreshness.objects.get().rebuilt_at


def test_the_first_recent_refresh_builds_everything():
    approved_deal(CompanyFactory(), timezone.now() - timedelta(days=300))
    deal_rollup_refresh_recent()
    # Submitted two hours before its approval: near midnight those fall on two days.
    assert DealDayRollup.objects.aggregate(approved=Sum("approved"))["approved"] == 1


def test_visitors_are_asked_to_sign_in_to_refresh(client):
    assert client.post(reverse("analytics:refresh")).status_code == 302


def test_members_cannot_refresh(member_client):
    assert member_client.post(reverse("analytics:refresh")).status_code == 404


# --- competency and group rollups --------------------------------------------------------

RANGE = {"period": "month", "from": "2026-01-01", "to": "2026-03-31", "currency": "USD"}


def _figures(**params):
    from analytics.forms import AnalyticsFilterForm
    from analytics.selectors import dashboard

    form = AnalyticsFilterForm({**RANGE, **params})
    assert form.is_valid(), form.errors
    return dashboard(filters=form.filters())


def _deal_columns(board) -> dict:
    """Registrations, approved, won, won value per breakdown row (the last four columns)."""
    return {label: values[5:] for label, values in board.breakdown.rows}


@pytest.fixture
def deals_by_competency_and_group():
    from datetime import UTC, datetime

    from tests.directory.factories import CompetencyFactory
    from tests.groups.factories import GroupFactory, ThreadFactory

    kubernetes = CompetencyFactory(name="Kubernetes", slug="kubernetes")
    snowflake = CompetencyFactory(name="Snowflake", slug="snowflake")
    cloud = GroupFactory(name="Cloud", slug="cloud")
    company = CompanyFactory(hq_country="DE")
    day = datetime(2026, 2, 10, 12, tzinfo=UTC)

    def deal(status, competencies, group=None, value="1000", currency="USD"):
        won = status == DealStatus.WON
        return DealRegistrationFactory(
            company=company,
            customer_domain=f"customer-{next(DOMAINS)}.test",
            status=status,
            submitted_at=day - timedelta(days=2),
            approved_at=day - timedelta(days=1),
            decided_at=day - timedelta(days=1),
            protected_until=day + timedelta(days=90),
            closed_at=day if won else None,
            value=Decimal(value),
            currency=currency,
            competencies=competencies,
            source_thread=ThreadFactory(group=group) if group else None,
        )

    # A: Kubernetes and Snowflake, from a Cloud thread, won USD 10,000.
    deal(DealStatus.WON, [kubernetes, snowflake], cloud, "10000")
    # B: Kubernetes, from a Cloud thread, won EUR 4,000 (not in USD figures).
    deal(DealStatus.WON, [kubernetes], cloud, "4000", "EUR")
    # C: Snowflake, no thread, approved (USD 2,500, not won).
    deal(DealStatus.APPROVED, [snowflake], None, "2500")
    # D: no competency, no thread, won USD 700.
    deal(DealStatus.WON, [], None, "700")


@pytest.mark.parametrize("source", ["live", "rollup"])
def test_competency_and_group_breakdowns_match_the_hand_count(
    deals_by_competency_and_group, source
):
    if source == "rollup":
        deal_rollup_refresh()
    by_competency = _figures(breakdown="competency")
    assert by_competency.breakdown_from_rollup is (source == "rollup")
    # Registrations, approved, won, won value in USD. A counts under both competencies.
    assert _deal_columns(by_competency) == {
        "Kubernetes": [2, 2, 2, Decimal("10000")],  # A, B (B's euros aside)
        "Snowflake": [2, 2, 1, Decimal("10000")],  # A, C
        "Unknown": [1, 1, 1, Decimal("700")],  # D
    }
    assert _deal_columns(_figures(breakdown="group")) == {
        "Cloud": [2, 2, 2, Decimal("10000")],  # A, B
        "Unknown": [2, 2, 1, Decimal("700")],  # C, D
    }
    # A competency filter with a country breakdown; a group filter with a tier breakdown.
    snowflake_by_country = _deal_columns(_figures(competency="snowflake", breakdown="country"))
    assert snowflake_by_country == {"Germany (DE)": [2, 2, 1, Decimal("10000")]}
    cloud_funnel = {row.metric.key: row.total for row in _figures(group="cloud").funnel.rows}
    assert [cloud_funnel[key] for key in ("registrations", "approved", "won", "won_value")] == [
        2, 2, 2, Decimal("10000")
    ]  # fmt: skip
    # Both at once: no rollup keeps them together, so that breakdown is counted live.
    both = _figures(group="cloud", breakdown="competency")
    assert both.breakdown_from_rollup is False
    assert _deal_columns(both) == {
        "Kubernetes": [2, 2, 2, Decimal("10000")],
        "Snowflake": [1, 1, 1, Decimal("10000")],
    }
    euros = _figures(breakdown="competency", currency="EUR")
    assert _deal_columns(euros)["Kubernetes"] == [2, 2, 2, Decimal("4000")]


def test_the_page_says_when_the_breakdown_is_counted_live(
    staff_client, deals_by_competency_and_group
):
    deal_rollup_refresh()
    page = staff_client.get(URL, {**RANGE, "breakdown": "competency"}).content.decode()
    assert "Deal registration figures are as of" in page
    assert "counts them live" not in page
    page = staff_client.get(
        URL, {**RANGE, "breakdown": "competency", "group": "cloud"}
    ).content.decode()
    assert "The breakdown by competency counts them live." in page


def test_the_competency_breakdown_reads_the_rollup_not_the_registrations(
    staff_client, deals_by_competency_and_group
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    deal_rollup_refresh()
    with CaptureQueriesContext(connection) as captured:
        staff_client.get(URL, {**RANGE, "breakdown": "competency"})
    deal_queries = [q["sql"] for q in captured if "deals_dealregistration" in q["sql"]]
    assert deal_queries == []
