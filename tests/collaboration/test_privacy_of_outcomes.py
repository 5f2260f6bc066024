"""Who a request went to, and where a referral came from, stay between the two companies."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from collaboration import selectors
from collaboration.models import FindPartnerRequest
from groups.models import Group
from tests.collaboration.factories import CollaborationFactory, ReferralFactory
from tests.groups.factories import GroupFactory, ThreadFactory


def close_to(partner_request, company) -> None:
    partner_request.status = FindPartnerRequest.Status.CLOSED
    partner_request.awarded_to = company
    partner_request.closed_at = timezone.now()
    partner_request.save()


@pytest.fixture
def awarded(world):
    CollaborationFactory(request=world.partner_request, responding_company=world.b)
    close_to(world.partner_request, world.b)
    return world


def thread_page(world) -> str:
    return world.partner_request.thread.get_absolute_url()


@pytest.mark.parametrize("who", ["a_person", "b_person"])
def test_the_two_companies_see_who_a_closed_request_went_to(client, awarded, who):
    client.force_login(getattr(awarded, who))

    page = client.get(thread_page(awarded)).content.decode()

    assert "Went to" in page
    assert "Bravo Consulting" in page


def test_a_third_company_does_not_learn_who_a_request_went_to(client, awarded):
    client.force_login(awarded.c_person)

    page = client.get(thread_page(awarded)).content.decode()

    assert "Closed" in page
    assert "Bravo Consulting" not in page


def test_a_visitor_does_not_learn_who_a_request_went_to(client, awarded):
    page = client.get(thread_page(awarded)).content.decode()

    assert "Bravo Consulting" not in page


def test_the_collaborate_list_hides_the_award_from_a_third_company(client, awarded):
    client.force_login(awarded.c_person)

    page = client.get(reverse("collaboration:index"), {"status": "closed"}).content.decode()

    assert "went to" not in page


def test_a_visitor_does_not_learn_who_a_former_partners_request_went_to(client, awarded):
    awarded.partner_request.company = None  # the asking company left the directory
    awarded.partner_request.save()

    page = client.get(reverse("collaboration:index"), {"status": "closed"}).content.decode()

    assert "went to" not in page


def closed_request_as_seen_by(viewer):
    (listed,) = selectors.request_list(
        viewer=viewer, viewer_company=selectors.user_company(viewer), status="closed"
    )
    return listed


@pytest.mark.parametrize("who", ["a_person", "b_person"])
def test_the_selector_lets_the_two_companies_see_the_winner(awarded, who):
    assert closed_request_as_seen_by(getattr(awarded, who)).can_see_winner is True


def test_the_selector_lets_staff_see_the_winner(awarded, staff):
    assert closed_request_as_seen_by(staff).can_see_winner is True


def test_the_selector_hides_the_winner_from_a_third_company_and_a_visitor(awarded):
    assert closed_request_as_seen_by(awarded.c_person).can_see_winner is False
    assert closed_request_as_seen_by(AnonymousUser()).can_see_winner is False


def test_the_request_panel_says_the_same_as_the_list(awarded):
    thread = awarded.partner_request.thread
    for viewer, expected in [(awarded.b_person, True), (awarded.c_person, False)]:
        panel = selectors.request_panel(viewer=viewer, thread=thread)
        assert panel.partner_request.can_see_winner is expected


def test_a_referral_does_not_reveal_the_title_of_a_thread_in_a_private_group(client, world):
    private = GroupFactory(visibility=Group.Visibility.PRIVATE)
    secret = ThreadFactory(group=private, title="Secret acquisition plan")
    referral = ReferralFactory(
        collaboration=None,
        request=None,
        thread=secret,
        from_company=world.b,
        to_company=world.a,
    )
    client.force_login(world.b_person)

    page = client.get(reverse("collaboration:referral", args=[referral.pk])).content.decode()

    assert "Secret acquisition plan" not in page
    assert "A group thread you cannot open" in page


def test_requests_are_rate_limited(client, world):
    client.force_login(world.b_person)
    url = reverse("collaboration:respond", args=[world.partner_request.pk])
    statuses = [client.post(url, {"subject": "x", "body": "y"}).status_code for _ in range(7)]

    assert statuses[-1] == 429
