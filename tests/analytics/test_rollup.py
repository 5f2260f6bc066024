"""The deal rollup: what /analytics/ reads for deal figures, and how fresh the page says it is."""

import itertools
from datetime import timedelta
from decimal import Decimal

import pytest
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
    assert DealDayRollup.objects.get().approved == 1


def test_visitors_are_asked_to_sign_in_to_refresh(client):
    assert client.post(reverse("analytics:refresh")).status_code == 302


def test_members_cannot_refresh(member_client):
    assert member_client.post(reverse("analytics:refresh")).status_code == 404
