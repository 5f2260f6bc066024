"""A submission or a staff decision rebuilds that day's rollup rows once it is committed, so
/analytics/ shows it without the refresh button (which stays) or the ten-minute beat."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from analytics import tasks as analytics_tasks
from analytics.models import DealDayCompetencyRollup, DealDayRollup, RollupFreshness
from analytics.rollup import deal_rollup_refresh
from deals import services
from deals.models import DealStatus
from tests.deals.factories import DealRegistrationFactory

pytestmark = pytest.mark.django_db
URL = reverse("analytics:index")


def today_rows():
    return DealDayRollup.objects.filter(day=timezone.localdate())


@pytest.fixture
def submitted(world, draft_for):
    registration = services.deal_submit(registration=draft_for(), actor=world.a_person)
    return registration


@pytest.fixture
def queued(monkeypatch):
    """The day refreshes queued, instead of running them."""
    days: list[str] = []
    monkeypatch.setattr(
        analytics_tasks.deal_rollup_refresh_day, "delay", lambda **kwargs: days.append(kwargs)
    )
    return days


def test_an_approval_shows_on_analytics_without_a_refresh(
    staff, staff_client, submitted, django_capture_on_commit_callbacks
):
    deal_rollup_refresh()  # as the beat task would have
    refreshed_at = RollupFreshness.objects.get().refreshed_at
    assert today_rows().get().approved == 0
    with django_capture_on_commit_callbacks(execute=True):
        services.deal_approve(registration=submitted, staff=staff)
    assert today_rows().get().approved == 1
    # The competency rollup too (the registration names one competency).
    assert DealDayCompetencyRollup.objects.get(day=timezone.localdate()).approved == 1
    page = staff_client.get(URL).content.decode()
    assert 'data-figure="approved">1<' in page
    # One day rebuilt is not the whole rollup: the freshness the page states stays as it was.
    assert RollupFreshness.objects.get().refreshed_at == refreshed_at
    assert "Bring deal figures up to date now" in page


def test_won_and_lost_count_at_once(world, staff, submitted, django_capture_on_commit_callbacks):
    deal_rollup_refresh()
    with django_capture_on_commit_callbacks(execute=True):
        services.deal_approve(registration=submitted, staff=staff)
        services.deal_close(registration=submitted, actor=world.a_person, outcome=DealStatus.WON)
    row = today_rows().get(currency="EUR")
    assert (row.won, row.won_value) == (1, Decimal("120000"))


def test_a_submission_counts_at_once(world, draft_for, django_capture_on_commit_callbacks):
    deal_rollup_refresh()
    with django_capture_on_commit_callbacks(execute=True):
        services.deal_submit(registration=draft_for(), actor=world.a_person)
    assert today_rows().get().submitted == 1


def test_a_rolled_back_decision_queues_nothing(staff, submitted, queued):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.deal_approve(registration=submitted, staff=staff)
        raise RuntimeError("the request failed after the approval")
    assert queued == []


def test_a_bulk_decision_queues_one_refresh_until_it_has_run(
    world, staff, draft_for, queued, django_capture_on_commit_callbacks
):
    drafts = [
        draft_for(customer_name=f"Customer {n}", customer_domain=f"customer{n}.com")
        for n in range(3)
    ]
    registrations = [services.deal_submit(registration=d, actor=world.a_person) for d in drafts]
    queued.clear()
    with django_capture_on_commit_callbacks(execute=True):
        done, failed = services.deal_bulk_decide(
            registrations=registrations, staff=staff, decision="approve", reason=""
        )
    assert (len(done), failed) == (3, {})
    assert queued == [{"day": timezone.localdate().isoformat()}]
    deal_rollup_refresh()
    analytics_tasks.deal_rollup_refresh_day(**queued[0])  # the queued task runs…
    with django_capture_on_commit_callbacks(execute=True):  # …so the next decision queues again
        services.deal_close(
            registration=registrations[0], actor=world.a_person, outcome=DealStatus.LOST
        )
    assert len(queued) == 2


def test_expiry_queues_nothing(queued, world):
    DealRegistrationFactory(
        company=world.a,
        status=DealStatus.APPROVED,
        submitted_at=timezone.now() - timedelta(days=100),
        approved_at=timezone.now() - timedelta(days=99),
        protected_until=timezone.now() - timedelta(minutes=1),
    )
    assert services.deals_expire() == 1
    assert queued == []


def test_before_the_first_build_a_decision_builds_nothing(
    staff, submitted, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.deal_approve(registration=submitted, staff=staff)
    assert not DealDayRollup.objects.exists()
    assert not RollupFreshness.objects.exists()  # the page keeps counting live
