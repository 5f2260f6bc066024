"""The newcomer's onboarding form, seen from the outside: company, groups, one submit."""

import pytest
from django.urls import reverse

from directory.models import ClaimedDomain, CompanyMembership, ListingStatus
from groups.models import Group, GroupMembership
from tests.directory.factories import (
    CompanyCompetencyFactory,
    CompanyFactory,
    CompanyMembershipFactory,
    CompetencyFactory,
)
from tests.factories import UserFactory, mfa_enrol
from tests.groups.factories import GroupFactory, MembershipFactory

pytestmark = pytest.mark.django_db

URL = reverse("onboarding")
J = Group.JoinPolicy


@pytest.fixture
def newcomer(client):
    user = UserFactory(email="ada@contoso.example", display_name="Ada Newcomer")
    client.force_login(user)
    return user


def _memberships(user) -> dict[str, str]:
    return dict(GroupMembership.objects.filter(user=user).values_list("group__name", "status"))


def test_a_visitor_is_sent_to_sign_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response.headers["Location"].startswith(reverse("account_login"))


def test_the_company_of_the_email_domain_is_proposed_and_chosen(client, newcomer):
    contoso = CompanyFactory(name="Contoso Cloud")
    ClaimedDomain.objects.create(company=contoso, domain="contoso.example")

    page = client.get(URL).content.decode()

    assert f'name="company" value="{contoso.pk}" checked' in page
    assert "(from your email domain)" in page


def test_submitting_asks_the_company_joins_open_groups_and_asks_the_others(client, newcomer):
    contoso = CompanyFactory(name="Contoso Cloud")
    open_group = GroupFactory(name="Cloud migrations", join_policy=J.OPEN)
    by_request = GroupFactory(name="Data and AI", join_policy=J.REQUEST)

    response = client.post(
        URL,
        {"company_action": "join", "company": contoso.pk, "groups": [open_group.pk, by_request.pk]},
    )

    assert response.status_code == 302
    assert response.headers["Location"] == reverse("home")
    membership = CompanyMembership.objects.get(user=newcomer)
    assert (membership.company, membership.status) == (contoso, "requested")
    assert _memberships(newcomer) == {"Cloud migrations": "active", "Data and AI": "requested"}


def test_groups_matching_the_company_competencies_and_country_are_suggested_and_ticked(
    client, newcomer
):
    company = CompanyFactory(hq_country="SE")
    CompanyCompetencyFactory(company=company, competency=CompetencyFactory(name="Kubernetes"))
    CompanyMembershipFactory(company=company, user=newcomer)
    kube = GroupFactory(name="Platform engineering", member_count=1)
    kube.tags.set(["kubernetes"])
    nordic = GroupFactory(name="Nordic partners", member_count=2)
    nordic.tags.set(["nordics"])
    busy = GroupFactory(name="Busy but unrelated", member_count=500)
    quiet = GroupFactory(name="Quiet and unrelated", member_count=0)

    page = client.get(URL).content.decode()

    for group in (kube, nordic, busy):
        assert f'value="{group.pk}"' in page
    assert f'value="{quiet.pk}"' not in page
    assert page.count('type="checkbox" name="groups"') == page.count("checked>")
    assert page.index("Nordic partners") < page.index("Busy but unrelated")


def test_private_and_invitation_only_groups_cannot_be_joined_through_onboarding(client, newcomer):
    private = GroupFactory(visibility=Group.Visibility.PRIVATE, join_policy=J.REQUEST)
    invite_only = GroupFactory(join_policy=J.INVITE)

    for group in (private, invite_only):
        response = client.post(URL, {"company_action": "later", "groups": [group.pk]})
        assert response.status_code == 400

    assert not GroupMembership.objects.filter(user=newcomer).exists()


def test_a_member_of_another_company_cannot_use_onboarding_to_join_a_company(client, newcomer):
    mine = CompanyMembershipFactory(user=newcomer).company
    other = CompanyFactory(name="Not mine")

    response = client.post(URL, {"company_action": "join", "company": other.pk})

    assert response.status_code == 302
    assert list(
        CompanyMembership.objects.filter(user=newcomer).values_list("company", flat=True)
    ) == [mine.pk]


def test_choosing_a_company_by_name_only_asks_its_admins(client, newcomer):
    fabrikam = CompanyFactory(name="Fabrikam")

    page = client.get(URL, {"q": "fabri"}).content.decode()
    assert f'name="company" value="{fabrikam.pk}"' in page
    client.post(URL, {"company_action": "join", "company": fabrikam.pk})

    membership = CompanyMembership.objects.get(user=newcomer)
    assert membership.status == CompanyMembership.Status.REQUESTED
    assert membership.role == CompanyMembership.Role.MEMBER


def test_asking_to_join_without_choosing_a_company_says_what_to_do(client, newcomer):
    response = client.post(URL, {"company_action": "join"})

    assert response.status_code == 400
    assert "Choose your company from the search results" in response.content.decode()


def test_not_listed_creates_a_draft_listing_the_newcomer_administers(client, newcomer):
    response = client.post(
        URL,
        {
            "company_action": "create",
            "new_company_name": "Northwind Consulting",
            "new_company_country": "NL",
        },
    )

    assert response.status_code == 302
    membership = CompanyMembership.objects.select_related("company").get(user=newcomer)
    company = membership.company
    assert (membership.status, membership.role) == ("approved", "admin")
    assert company.listing_status == ListingStatus.DRAFT
    assert company.tier == "registered"
    assert not company.domains.exists()  # staff decide who owns a domain
    # Now a company admin, the newcomer sets up two-factor authentication before going on.
    assert client.get(company.get_absolute_url()).url == reverse("mfa_index")
    mfa_enrol(newcomer)
    profile = client.get(company.get_absolute_url()).content.decode()
    assert "Draft listing, not yet reviewed by program staff" in profile


def test_staff_mark_a_draft_listing_reviewed_with_an_audit_row(client, newcomer, staff):
    client.post(
        URL,
        {"company_action": "create", "new_company_name": "Northwind", "new_company_country": "NL"},
    )
    company = CompanyMembership.objects.get(user=newcomer).company

    client.force_login(staff)
    client.post(reverse("directory:curate", args=[company.slug]), {"action": "curate_listing"})

    company.refresh_from_db()
    assert company.listing_status == ListingStatus.CURATED
    assert company.audit_log.get().action == "listing_curated"


def test_a_second_onboarding_with_a_company_keeps_groups_working(client, newcomer):
    CompanyMembershipFactory(user=newcomer)
    group = GroupFactory(name="Cloud migrations")

    client.post(URL, {"groups": [group.pk]})

    assert _memberships(newcomer) == {"Cloud migrations": "active"}


def test_groups_i_already_belong_to_are_not_offered_again(client, newcomer):
    group = GroupFactory(name="Already in")
    MembershipFactory(group=group, user=newcomer)

    assert f'value="{group.pk}"' not in client.get(URL).content.decode()
