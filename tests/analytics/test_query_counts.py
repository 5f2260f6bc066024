"""The analytics pages run the same number of queries whatever the amount of data."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from analytics import services
from deals.models import DealStatus
from tests.collaboration.factories import CollaborationFactory, ReferralFactory
from tests.deals.factories import DealRegistrationFactory
from tests.directory.factories import CompanyFactory, CompetencyFactory
from tests.groups.factories import ReplyFactory

pytestmark = pytest.mark.django_db


def add_activity(count: int) -> None:
    now = timezone.now()
    competency = CompetencyFactory()
    for index in range(count):
        collaboration = CollaborationFactory(
            request__competencies=[competency], created_at=now - timedelta(days=index)
        )
        ReplyFactory(thread=collaboration.request.thread)
        ReferralFactory(collaboration=collaboration)
        DealRegistrationFactory(
            company=collaboration.responding_company,
            status=DealStatus.WON,
            submitted_at=now - timedelta(days=index + 2),
            approved_at=now - timedelta(days=index + 1),
            protected_until=now + timedelta(days=60),
            closed_at=now - timedelta(days=index),
            currency="USD",
            competencies=[competency],
        )


def queries(client, url, params=None) -> int:
    """Queries of a request once the per-member answers the navigation caches are warm."""
    client.get(url, params or {})
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params or {}).status_code == 200
    return len(captured)


@pytest.mark.parametrize("breakdown", ["country", "tier", "group", "competency"])
def test_analytics_page_queries_do_not_grow_with_data(staff_client, breakdown):
    url, params = reverse("analytics:index"), {"breakdown": breakdown, "period": "week"}
    add_activity(1)
    few = queries(staff_client, url, params)
    add_activity(12)
    assert queries(staff_client, url, params) == few


def test_league_and_scorecard_queries_do_not_grow_with_companies(staff_client):
    add_activity(1)
    services.scorecards_compute()
    slug = CompanyFactory().slug
    few = queries(staff_client, reverse("analytics:league"))
    card = queries(staff_client, reverse("analytics:scorecard", args=[slug]))
    add_activity(15)
    services.scorecards_compute()
    services.scorecards_compute()
    assert queries(staff_client, reverse("analytics:league")) == few
    assert queries(staff_client, reverse("analytics:scorecard", args=[slug])) == card


def test_nightly_computation_queries_do_not_grow_with_companies(
    django_assert_max_num_queries,
):
    add_activity(1)
    with CaptureQueriesContext(connection) as few:
        services.scorecards_compute()
    add_activity(15)
    with django_assert_max_num_queries(len(few)):
        services.scorecards_compute()


@pytest.mark.parametrize("table", ["funnel", "breakdown", "health", "revenue"])
def test_csv_exports_queries_do_not_grow_with_data(staff_client, table):
    url = reverse("analytics:export", args=[table])
    add_activity(1)
    few = queries(staff_client, url)
    add_activity(12)
    assert queries(staff_client, url) == few
