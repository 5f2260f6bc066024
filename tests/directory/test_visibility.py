"""Who sees which field group of a company, on the profile page and in the detail API alike."""

import pytest
from django.urls import reverse

from directory.models import Visibility
from directory.selectors.companies import company_visible_groups
from tests.directory.factories import (
    CompanyCountryFactory,
    CompanyFactory,
    CompanyMembershipFactory,
    OfferingFactory,
    ReviewFactory,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# A marker for each group that appears only when the group is shown.
MARKERS = {
    "details": "Founded-in-Atlantis-City",
    "offerings": "Secret Migration Factory",
    "contacts": "Contact Person Zelda",
    "reviews": "Outstanding hidden review",
}


def _company(visibility: str):
    company = CompanyFactory(
        hq_city=MARKERS["details"],
        details_visibility=visibility,
        offerings_visibility=visibility,
        contacts_visibility=visibility,
        reviews_visibility=visibility,
    )
    CompanyCountryFactory(company=company, country="NO")
    OfferingFactory(company=company, name=MARKERS["offerings"])
    contact = UserFactory(display_name=MARKERS["contacts"])
    CompanyMembershipFactory(company=company, user=contact, show_as_contact=True)
    ReviewFactory(company=company, title=MARKERS["reviews"], status="approved")
    return company


def _viewer(kind: str, company):
    if kind == "visitor":
        return None
    if kind == "member":
        return UserFactory()
    if kind == "other company":
        return CompanyMembershipFactory(company=CompanyFactory()).user
    if kind == "own company":
        return CompanyMembershipFactory(company=company).user
    return UserFactory(is_staff=True)


EXPECTED = {
    # viewer: (sees public, sees members-only, sees hidden)
    "visitor": (True, False, False),
    "member": (True, True, False),
    "other company": (True, True, False),
    "own company": (True, True, True),
    "staff": (True, True, True),
}
VIEWERS = list(EXPECTED)
LEVELS = [Visibility.PUBLIC, Visibility.MEMBERS, Visibility.HIDDEN]


@pytest.mark.parametrize("viewer_kind", VIEWERS)
@pytest.mark.parametrize("level", LEVELS)
def test_profile_page_shows_each_group_only_to_whom_its_visibility_allows(
    client, viewer_kind, level
):
    company = _company(level)
    viewer = _viewer(viewer_kind, company)
    if viewer is not None:
        client.force_login(viewer)
    html = client.get(reverse("directory:profile", args=[company.slug])).content.decode()
    expected = EXPECTED[viewer_kind][LEVELS.index(level)]
    for group, marker in MARKERS.items():
        assert (marker in html) is expected, (group, viewer_kind, level)
    # The overview is always public.
    assert company.name in html
    assert company.description in html


@pytest.mark.parametrize("viewer_kind", VIEWERS)
@pytest.mark.parametrize("level", LEVELS)
def test_detail_api_holds_each_group_only_for_whom_its_visibility_allows(
    client, viewer_kind, level
):
    company = _company(level)
    viewer = _viewer(viewer_kind, company)
    if viewer is not None:
        client.force_login(viewer)
    response = client.get(reverse("api-partner-detail", args=[company.slug]))
    assert response.status_code == 200
    expected = EXPECTED[viewer_kind][LEVELS.index(level)]
    body = response.content.decode()
    data = response.json()
    for group, marker in MARKERS.items():
        assert (group in data) is expected, (group, viewer_kind, level)
        assert (marker in body) is expected, (group, viewer_kind, level)
    assert data["name"] == company.name


def test_groups_are_decided_separately():
    company = CompanyFactory(
        details_visibility=Visibility.PUBLIC,
        offerings_visibility=Visibility.MEMBERS,
        contacts_visibility=Visibility.HIDDEN,
        reviews_visibility=Visibility.PUBLIC,
    )
    assert company_visible_groups(viewer=None, company=company) == {"details", "reviews"}
    assert company_visible_groups(viewer=UserFactory(), company=company) == {
        "details",
        "offerings",
        "reviews",
    }


def test_a_pending_membership_does_not_open_hidden_groups(client):
    company = _company(Visibility.HIDDEN)
    requester = CompanyMembershipFactory(company=company, status="requested").user
    client.force_login(requester)
    html = client.get(reverse("directory:profile", args=[company.slug])).content.decode()
    assert MARKERS["offerings"] not in html


def test_hidden_countries_served_are_absent_from_json_for_visitors(client):
    company = _company(Visibility.HIDDEN)
    body = client.get(reverse("api-partner-detail", args=[company.slug])).content.decode()
    assert '"NO"' not in body
    assert "details" not in body


def test_countries_served_are_listed_for_those_who_may_see_details(client):
    company = _company(Visibility.PUBLIC)
    data = client.get(reverse("api-partner-detail", args=[company.slug])).json()
    assert data["details"]["countries_served"] == ["NO"]
    assert data["hq_country"] == "DE"
