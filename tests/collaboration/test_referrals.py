"""Referrals: created from a conversation, request or thread; moved along proposed → accepted
(or declined, with a reason) → won/lost by the company entitled to; seen only by the two
companies and program staff (what the receiving company sees before accepting:
test_referral_invitations.py)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from collaboration import selectors, services
from collaboration.models import Referral, ReferralEvent
from portal.errors import NotFound
from tests.collaboration.factories import CollaborationFactory, ReferralFactory, person_of
from tests.factories import UserFactory
from tests.groups.factories import MembershipFactory

pytestmark = pytest.mark.django_db

CREATE_URL = reverse("collaboration:referral_create")


@pytest.fixture
def collaboration(world):
    return CollaborationFactory(request=world.partner_request, responding_company=world.b)


@pytest.fixture
def referral(collaboration):
    """Bravo (who answered) refers a customer to Acme (who asked)."""
    return ReferralFactory(collaboration=collaboration)


def referral_url(referral):
    return reverse("collaboration:referral", kwargs={"referral_id": referral.pk})


def test_referral_from_a_collaboration_goes_to_the_other_company(client, world, collaboration):
    client.force_login(world.b_person)
    response = client.post(
        CREATE_URL,
        {
            "collaboration": collaboration.pk,
            "use_case": "Core banking data platform",
            "customer_name": "Bank in Munich",
            "customer_contact_email": "cio@bank.example",
            "country": "DE",
            "size_band": "1001-5000",
            "value": "120000.50",
            "currency": "EUR",
        },
    )
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert (referral.from_company, referral.to_company) == (world.b, world.a)
    assert referral.collaboration == collaboration
    assert referral.request == world.partner_request
    assert referral.thread == world.partner_request.thread
    assert referral.status == Referral.Status.PROPOSED
    assert str(referral.value) == "120000.50"
    assert referral.value_range == "50k-250k"
    assert referral.customer_name == "Bank in Munich"
    assert referral.use_case == "Core banking data platform"
    assert ReferralEvent.objects.filter(referral=referral, to_status="proposed").exists()


def test_referral_from_a_request_goes_to_the_asking_company(client, world):
    client.force_login(world.c_person)
    response = client.post(
        CREATE_URL,
        {
            "request": world.partner_request.pk,
            "use_case": "Claims analytics",
            "customer_name": "Insurer",
            "currency": "USD",
        },
    )
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert (referral.from_company, referral.to_company) == (world.c, world.a)
    assert referral.request == world.partner_request
    assert referral.collaboration is None


def test_negative_value_is_refused_with_a_message(client, world, collaboration):
    client.force_login(world.b_person)
    response = client.post(
        CREATE_URL,
        {
            "collaboration": collaboration.pk,
            "use_case": "X",
            "customer_name": "Y",
            "value": "-5",
            "currency": "EUR",
        },
    )
    assert response.status_code == 400
    assert "Ensure this value is greater than or equal to 0." in response.content.decode()
    assert not Referral.objects.exists()


def test_service_refuses_a_referral_to_the_same_company(world):
    with pytest.raises(ValidationError) as error:
        services.referral_create(
            created_by=world.a_person,
            from_company=world.a,
            to_company=world.a,
            use_case="Self",
            customer_name="Us",
            value=None,
            currency="EUR",
        )
    assert error.value.message_dict == {"__all__": [services.SAME_COMPANY]}


def test_asker_cannot_refer_its_own_open_request_to_nobody(client, world):
    client.force_login(world.a_person)
    response = client.post(
        CREATE_URL,
        {
            "request": world.partner_request.pk,
            "use_case": "Hm",
            "customer_name": "Hm",
            "currency": "EUR",
        },
    )
    assert response.status_code == 400
    assert services.NO_OTHER_COMPANY in response.content.decode()


def test_referral_cannot_come_from_a_conversation_the_viewer_cannot_see(
    client, world, collaboration
):
    client.force_login(world.c_person)
    assert client.get(CREATE_URL, {"collaboration": collaboration.pk}).status_code == 404
    assert client.get(CREATE_URL, {"collaboration": "abc"}).status_code == 404
    assert client.get(CREATE_URL).status_code == 404


# Visibility -----------------------------------------------------------------------------------


def test_both_companies_and_staff_see_the_referral(client, world, staff, referral):
    for viewer in (world.a_person, world.b_person, staff):
        client.force_login(viewer)
        assert client.get(referral_url(referral)).status_code == 200


def test_others_get_404(client, world, referral):
    group_member = UserFactory()
    MembershipFactory(group=world.group, user=group_member)
    assert client.get(referral_url(referral)).status_code == 404  # anonymous
    for viewer in (world.c_person, group_member):
        client.force_login(viewer)
        assert client.get(referral_url(referral)).status_code == 404
        response = client.post(referral_url(referral), {"status": "accepted"})
        assert response.status_code == 404
    referral.refresh_from_db()
    assert referral.status == Referral.Status.PROPOSED


def test_the_selector_says_not_found_to_a_third_company(world, referral):
    with pytest.raises(NotFound):
        selectors.referral_get_for_viewer(viewer=world.c_person, referral_id=referral.pk)


# Status flow ----------------------------------------------------------------------------------


def move(client, user, referral, status):
    client.force_login(user)
    return client.post(referral_url(referral), {"status": status})


def test_receiving_company_accepts_then_reports_won(client, world, referral):
    assert move(client, world.a_person, referral, "accepted").status_code == 302
    assert move(client, person_of(world.a), referral, "won").status_code == 302
    referral.refresh_from_db()
    assert referral.status == Referral.Status.WON
    assert list(referral.events.values_list("from_status", "to_status")) == [
        ("proposed", "accepted"),
        ("accepted", "won"),
    ]


def test_sending_company_cannot_accept_its_own_referral(client, world, referral):
    response = move(client, world.b_person, referral, "accepted")
    assert response.status_code == 400
    message = "Only Acme Analytics can move this referral to “Accepted”."
    assert message in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == Referral.Status.PROPOSED


def test_sending_company_may_withdraw_a_proposal(client, world, referral):
    assert move(client, world.b_person, referral, "lost").status_code == 302
    referral.refresh_from_db()
    assert referral.status == Referral.Status.LOST


def test_outcome_is_reported_by_the_receiving_company_only(client, world, referral):
    move(client, world.a_person, referral, "accepted")
    response = move(client, world.b_person, referral, "won")
    assert response.status_code == 400
    referral.refresh_from_db()
    assert referral.status == Referral.Status.ACCEPTED


def test_a_proposal_cannot_jump_to_won(client, world, referral):
    response = move(client, world.a_person, referral, "won")
    assert response.status_code == 400
    assert "A referral cannot go from “Proposed” to “Won”." in response.content.decode()


def test_a_closed_deal_stays_closed(world, referral):
    for status in ("accepted", "won"):
        services.referral_status_change(
            referral=referral, status=status, actor=world.a_person, actor_company=world.a
        )
    with pytest.raises(ValidationError) as error:
        services.referral_status_change(
            referral=referral, status="lost", actor=world.a_person, actor_company=world.a
        )
    assert error.value.messages == ["A referral cannot go from “Won” to “Lost”."]


def test_staff_see_the_referral_but_cannot_move_it(staff_client, referral):
    response = staff_client.post(referral_url(referral), {"status": "accepted"})
    assert response.status_code == 400
    referral.refresh_from_db()
    assert referral.status == Referral.Status.PROPOSED


def test_use_case_and_customer_are_required_with_messages(client, world, collaboration):
    client.force_login(world.b_person)
    response = client.post(
        CREATE_URL, {"collaboration": collaboration.pk, "use_case": " ", "currency": "EUR"}
    )
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not Referral.objects.exists()
    with pytest.raises(ValidationError) as error:
        services.referral_create(
            created_by=world.b_person,
            from_company=world.b,
            to_company=world.a,
            use_case=" ",
            customer_name="",
            value=None,
            currency="EUR",
        )
    assert error.value.message_dict == {
        "use_case": [services.NO_USE_CASE],
        "customer_name": [services.NO_CUSTOMER],
    }


def test_receiving_company_cannot_turn_a_proposal_into_lost(client, world, referral):
    """It declines instead, with a reason the referring company reads."""
    response = move(client, world.a_person, referral, "lost")
    assert response.status_code == 400
    referral.refresh_from_db()
    assert referral.status == Referral.Status.PROPOSED
