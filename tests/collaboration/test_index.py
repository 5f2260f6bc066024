"""/collaborate/: requests across the groups the viewer may read, filtered; their own
conversations and referrals; a constant number of queries."""

import pytest
from django.urls import reverse

from collaboration.models import FindPartnerRequest
from groups.models import Group
from tests.collaboration.factories import (
    CollaborationFactory,
    FindPartnerRequestFactory,
    ReferralFactory,
)
from tests.directory.factories import (
    CompanyCompetencyFactory,
    CompanyFactory,
    CompetencyFactory,
)
from tests.groups.factories import GroupFactory, MembershipFactory

pytestmark = pytest.mark.django_db

URL = reverse("collaboration:index")


def titles(response) -> str:
    return response.content.decode()


def test_visitor_sees_requests_in_public_groups(client, world):
    response = client.get(URL)
    assert response.status_code == 200
    assert "Need a Snowflake partner in Germany" in titles(response)


def test_requests_in_a_private_group_never_show_to_outsiders(client, world, member):
    private = GroupFactory(visibility=Group.Visibility.PRIVATE, name="Secret council")
    FindPartnerRequestFactory(thread__group=private, thread__title="Confidential bid partner")
    for viewer in (None, member):
        if viewer:
            client.force_login(viewer)
        page = titles(client.get(URL))
        assert "Confidential bid partner" not in page
        assert "Secret council" not in page
    MembershipFactory(group=private, user=member)
    assert "Confidential bid partner" in titles(client.get(URL))


def test_members_only_groups_show_to_members_not_visitors(client, member):
    members_only = GroupFactory(visibility=Group.Visibility.MEMBERS)
    FindPartnerRequestFactory(thread__group=members_only, thread__title="Members only ask")
    assert "Members only ask" not in titles(client.get(URL))
    client.force_login(member)
    assert "Members only ask" in titles(client.get(URL))


def test_filter_by_competency(client, world):
    FindPartnerRequestFactory(
        competencies=[CompetencyFactory(name="Mainframes", slug="mainframes")],
        thread__title="Mainframe exit",
    )
    page = titles(client.get(URL, {"competency": "mainframes"}))
    assert "Mainframe exit" in page
    assert "Need a Snowflake partner" not in page


def test_filter_by_country(client, world):
    FindPartnerRequestFactory(countries=["FR"], thread__title="Paris retail rollout")
    page = titles(client.get(URL, {"country": "FR"}))
    assert "Paris retail rollout" in page
    assert "Need a Snowflake partner" not in page


def test_filter_by_status(client, world):
    FindPartnerRequestFactory(
        status=FindPartnerRequest.Status.CLOSED,
        closed_at=world.partner_request.created_at,
        thread__title="Already staffed",
    )
    page = titles(client.get(URL, {"status": "closed"}))
    assert "Already staffed" in page
    assert "Need a Snowflake partner" not in page


def test_filter_requests_that_match_my_company(client, world):
    competency = world.partner_request.competencies.get()
    CompanyCompetencyFactory(company=world.b, competency=competency)  # B is in Germany
    FindPartnerRequestFactory(
        countries=["BR"], competencies=[competency], thread__title="Sao Paulo bank rollout"
    )
    client.force_login(world.b_person)
    page = titles(client.get(URL, {"matches": "on"}))
    assert "Need a Snowflake partner" in page
    assert "Sao Paulo bank rollout" not in page


def test_unknown_filter_values_answer_400_with_messages(client, world):
    response = client.get(URL, {"competency": "no-such-thing", "status": "maybe"})
    assert response.status_code == 400
    page = titles(response)
    assert "Select a valid choice. no-such-thing is not one of the available choices." in page
    assert "Select a valid choice. maybe is not one of the available choices." in page


def test_viewer_sees_their_collaborations_and_referrals_only(client, world):
    mine = CollaborationFactory(request=world.partner_request, responding_company=world.b)
    ReferralFactory(collaboration=mine, title="Bravo brings Acme a bank")
    others = CollaborationFactory(subject="Someone else's talk")
    ReferralFactory(collaboration=others, title="Not for Bravo")
    client.force_login(world.b_person)
    page = titles(client.get(URL))
    assert mine.subject in page
    assert "Bravo brings Acme a bank" in page
    assert "Someone else&#x27;s talk" not in page
    assert "Not for Bravo" not in page
    assert "Won revenue by community source" not in page


def test_staff_see_won_revenue_by_source(staff_client):
    ReferralFactory(status="won", value=1000, currency="EUR")
    ReferralFactory(status="won", value=500, currency="EUR")
    thread_request = FindPartnerRequestFactory()
    ReferralFactory(
        status="won",
        value=70,
        currency="EUR",
        collaboration=None,
        request=None,
        thread=thread_request.thread,
        from_company=CompanyFactory(),
        to_company=thread_request.company,
    )
    ReferralFactory(status="lost", value=9999, currency="EUR")
    page = titles(staff_client.get(URL))
    assert "Won revenue by community source" in page
    assert "Private collaboration</td><td>2</td><td>€1,500.00" in page
    assert "Group thread</td><td>1</td><td>€70.00" in page
    assert "9999" not in page.split("Won revenue")[1]


@pytest.mark.parametrize("viewer", ["visitor", "company_member", "staff"])
def test_query_count_is_constant(client, world, staff, viewer, django_assert_max_num_queries):
    user = {"visitor": None, "company_member": world.b_person, "staff": staff}[viewer]
    if user:
        client.force_login(user)
    competency = world.partner_request.competencies.get()
    CompanyCompetencyFactory(company=world.b, competency=competency)
    params = {"matches": "on"} if user else {}
    with django_assert_max_num_queries(30) as one:
        assert client.get(URL, params).content.decode().count('class="request-card"') == 1
    for _ in range(49):
        request = FindPartnerRequestFactory(
            competencies=[competency], countries=["DE", "FR"], thread__group=world.group
        )
        collaboration = CollaborationFactory(request=request, responding_company=world.b)
        ReferralFactory(collaboration=collaboration, status="won")
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(URL, params)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'Requests <span class="muted">(50)</span>' in page
    assert page.count('class="request-card"') == 25  # one page of 50 rows
