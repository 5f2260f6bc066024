"""Who may see what: visitor, own company, other company, staff, for analytics, CSV, scorecards."""

import pytest
from django.urls import reverse

from directory.models import CompanyMembership
from tests.directory.factories import CompanyFactory, CompanyMembershipFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

STAFF_ONLY = [
    reverse("analytics:index"),
    reverse("analytics:export", args=["funnel"]),
    reverse("analytics:export", args=["breakdown"]),
    reverse("analytics:export", args=["health"]),
    reverse("analytics:export", args=["revenue"]),
    reverse("analytics:league"),
    reverse("analytics:league-export"),
    reverse("analytics:rules"),
]


@pytest.fixture
def company():
    return CompanyFactory(name="Own Co")


@pytest.fixture
def own_admin(company):
    user = UserFactory()
    CompanyMembershipFactory(company=company, user=user, role=CompanyMembership.Role.ADMIN)
    return user


@pytest.fixture
def other_member():
    user = UserFactory()
    CompanyMembershipFactory(company=CompanyFactory(name="Other Co"), user=user)
    return user


@pytest.mark.parametrize("url", STAFF_ONLY)
def test_visitors_are_asked_to_sign_in_for_staff_pages(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


@pytest.mark.parametrize("url", STAFF_ONLY)
def test_members_of_any_company_get_404_on_staff_pages(client, own_admin, other_member, url):
    for user in (own_admin, other_member):
        client.force_login(user)
        assert client.get(url).status_code == 404


@pytest.mark.parametrize("url", STAFF_ONLY)
def test_staff_see_staff_pages(staff_client, url):
    assert staff_client.get(url).status_code == 200


def test_a_company_sees_its_own_scorecard(client, own_admin, company):
    client.force_login(own_admin)
    response = client.get(reverse("analytics:scorecard", args=[company.slug]))
    assert response.status_code == 200
    assert "Scorecard of Own Co" in response.content.decode()
    mine = client.get(reverse("analytics:my-scorecard"))
    assert mine["Location"] == reverse("analytics:scorecard", args=[company.slug])


@pytest.mark.parametrize("name", ["analytics:scorecard", "analytics:scorecard-export"])
def test_other_companies_and_visitors_get_404_for_a_scorecard(client, other_member, company, name):
    url = reverse(name, args=[company.slug])
    assert client.get(url).status_code == 404
    client.force_login(other_member)
    assert client.get(url).status_code == 404


def test_a_company_downloads_its_own_scorecard_as_csv(client, own_admin, company):
    client.force_login(own_admin)
    response = client.get(reverse("analytics:scorecard-export", args=[company.slug]))
    assert response.status_code == 200
    assert response.content.decode().splitlines()[0] == "Dimension,Figure,Points"


def test_a_pending_member_does_not_see_the_company_scorecard(client, company):
    user = UserFactory()
    CompanyMembershipFactory(company=company, user=user, status=CompanyMembership.Status.REQUESTED)
    client.force_login(user)
    assert client.get(reverse("analytics:scorecard", args=[company.slug])).status_code == 404


def test_staff_see_any_scorecard(staff_client, company):
    assert staff_client.get(reverse("analytics:scorecard", args=[company.slug])).status_code == 200


def test_members_cannot_decide_tier_proposals_or_recompute(client, own_admin):
    client.force_login(own_admin)
    assert client.post(reverse("analytics:recompute")).status_code == 404
    assert client.post(reverse("analytics:proposal-apply", args=[1])).status_code == 404


@pytest.mark.parametrize(
    "params, message",
    [
        ({"from": "2026-13-01"}, "Enter a valid date."),
        ({"from": "2026-03-01", "to": "2026-01-01"}, "The start date must be on or before"),
        ({"from": "2020-01-01", "to": "2026-01-01"}, "at most three years"),
        ({"period": "decade"}, "Select a valid choice."),
        ({"country": "XX"}, "Select a valid choice."),
        ({"group": "no-such-group"}, "Select a valid choice."),
        ({"breakdown": "planet"}, "Select a valid choice."),
    ],
)
def test_bad_filters_say_why_with_400(staff_client, params, message):
    response = staff_client.get(reverse("analytics:index"), params)
    assert response.status_code == 400
    assert message in response.content.decode()
    csv = staff_client.get(reverse("analytics:export", args=["funnel"]), params)
    assert csv.status_code == 400


def test_an_unknown_table_is_404(staff_client):
    assert staff_client.get(reverse("analytics:export", args=["salaries"])).status_code == 404


def test_navigation_leads_staff_to_analytics_and_a_company_to_its_scorecard(
    client, staff_client, own_admin
):
    labels = [item["label"] for item in staff_client.get("/").context["nav_items"]]
    assert "Analytics" in labels and "Scorecard" not in labels
    client.force_login(own_admin)
    labels = [item["label"] for item in client.get("/").context["nav_items"]]
    assert "Scorecard" in labels and "Analytics" not in labels
