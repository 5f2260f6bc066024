"""Posting, showing and closing find-a-partner requests."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from collaboration import selectors, services
from collaboration.models import FindPartnerRequest
from groups.models import PostStatus, Thread
from portal.errors import NotFound, NotPermitted
from tests.collaboration.factories import CollaborationFactory
from tests.factories import UserFactory
from tests.groups.factories import GroupFactory, MembershipFactory, ReplyFactory

pytestmark = pytest.mark.django_db

CREATE_URL = reverse("collaboration:request_create")


@pytest.fixture
def asker(world):
    return world.a_person


def form_data(world, **overrides):
    competency = world.partner_request.competencies.get()
    data = {
        "group": world.group.pk,
        "title": "Partner for a Databricks rollout in France",
        "description": "A retailer needs a **lakehouse** in Q3.",
        "competencies": [competency.pk],
        "countries": ["FR", "BE"],
        "deadline": (timezone.localdate() + timedelta(days=30)).isoformat(),
    }
    data.update(overrides)
    return data


def test_member_posts_a_request_thread_showing_their_company(client, world, asker):
    client.force_login(asker)
    response = client.post(CREATE_URL, form_data(world))
    assert response.status_code == 302
    partner_request = FindPartnerRequest.objects.exclude(pk=world.partner_request.pk).get()
    thread = partner_request.thread
    assert thread.kind == Thread.Kind.REQUEST
    assert thread.group == world.group
    assert thread.author_company == world.a
    assert partner_request.company == world.a
    assert {str(code) for code in partner_request.countries} == {"FR", "BE"}
    assert list(partner_request.competencies.values_list("slug", flat=True)) == ["data-engineering"]
    assert partner_request.status == FindPartnerRequest.Status.OPEN


def test_request_in_a_post_moderated_group_is_published_by_screening(
    client, world, asker, django_capture_on_commit_callbacks
):
    client.force_login(asker)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(CREATE_URL, form_data(world))
    thread = Thread.objects.exclude(pk=world.partner_request.thread_id).get()
    assert thread.status == PostStatus.PUBLISHED


def test_missing_fields_are_refused_with_messages(client, world, asker):
    client.force_login(asker)
    response = client.post(CREATE_URL, form_data(world, title="", competencies=[]))
    assert response.status_code == 400
    assert response.content.decode().count("This field is required.") == 2
    assert FindPartnerRequest.objects.count() == 1


def test_past_deadline_is_refused(client, world, asker):
    client.force_login(asker)
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = client.post(CREATE_URL, form_data(world, deadline=yesterday))
    assert response.status_code == 400
    assert services.DEADLINE_PAST in response.content.decode()
    assert not Thread.objects.exclude(pk=world.partner_request.thread_id).exists()


def test_unknown_competency_is_refused(client, world, asker):
    client.force_login(asker)
    response = client.post(CREATE_URL, form_data(world, competencies=["999999"]))
    assert response.status_code == 400
    assert "Select a valid choice. 999999 is not one of the available choices." in (
        response.content.decode()
    )


def test_member_without_company_cannot_post_a_request(client, world):
    loner = UserFactory()
    MembershipFactory(group=world.group, user=loner)
    client.force_login(loner)
    response = client.post(CREATE_URL, form_data(world))
    assert response.status_code == 400
    assert services.NO_COMPANY in response.content.decode()


def test_request_cannot_be_posted_in_a_group_the_member_has_not_joined(client, world):
    other_group = GroupFactory()
    client.force_login(world.a_person)
    response = client.post(CREATE_URL, form_data(world, group=other_group.pk))
    assert response.status_code == 400
    assert "Select a valid choice." in response.content.decode()


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(CREATE_URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# The panel on the thread page ----------------------------------------------------------------


def render_panel(world, user):
    thread = world.partner_request.thread
    return render_to_string(
        "collaboration/_request_panel.html",
        {"thread": thread, "request": world.partner_request, "user": user},
    )


def test_panel_shows_the_structured_fields_and_the_asking_company(world):
    html = render_panel(world, world.b_person)
    assert "Acme Analytics" in html
    assert "Data Engineering" in html
    assert "Germany" in html
    assert "Open" in html


def test_panel_offers_other_companies_to_respond_privately(world):
    html = render_panel(world, world.b_person)
    assert "Respond privately" in html
    assert "Close request" not in html


def test_panel_offers_the_asking_company_to_close(world):
    html = render_panel(world, world.a_person)
    assert "Close request" in html
    assert "Respond privately" not in html


def test_panel_links_a_company_to_its_existing_conversation(world):
    CollaborationFactory(request=world.partner_request, responding_company=world.b)
    html = render_panel(world, world.b_person)
    assert "Open your private conversation" in html
    assert "Respond privately" not in html


def test_panel_of_a_closed_request_names_who_it_went_to_for_the_asker(world):
    CollaborationFactory(request=world.partner_request, responding_company=world.b)
    services.request_close(partner_request=world.partner_request, awarded_to=world.b)
    html = render_panel(world, world.a_person)
    assert "Went to" in html
    assert "Bravo Consulting" in html
    assert "Close request" not in html


def test_panel_of_a_closed_request_offers_no_response_to_others(world):
    CollaborationFactory(request=world.partner_request, responding_company=world.b)
    services.request_close(partner_request=world.partner_request, awarded_to=world.b)
    html = render_panel(world, world.c_person)
    assert "Respond privately" not in html


# Who may respond ----------------------------------------------------------------------------


def listed_for(viewer):
    (listed,) = selectors.request_list(viewer=viewer, viewer_company=selectors.user_company(viewer))
    return listed


def test_the_selector_lets_other_companies_respond_to_an_open_request(world):
    assert listed_for(world.b_person).can_respond is True
    assert listed_for(world.c_person).can_respond is True


def test_the_selector_lets_neither_the_asker_nor_a_visitor_respond(world):
    assert listed_for(world.a_person).can_respond is False
    assert listed_for(AnonymousUser()).can_respond is False


def test_the_selector_lets_nobody_respond_to_a_closed_request(world):
    services.request_close(partner_request=world.partner_request, awarded_to=None)
    assert listed_for(world.b_person).can_respond is False


def test_nobody_is_offered_to_respond_to_a_former_partners_request(client, world):
    world.partner_request.company = None  # the asking company left the directory
    world.partner_request.save()
    client.force_login(world.b_person)

    page = client.get(reverse("collaboration:index")).content.decode()
    respond = reverse("collaboration:respond", args=[world.partner_request.pk])

    assert 'class="request-card"' in page
    assert respond not in page
    assert respond not in render_panel(world, world.b_person)


# Closing -------------------------------------------------------------------------------------


def close_url(world):
    return reverse("collaboration:close", kwargs={"request_id": world.partner_request.pk})


def test_asker_closes_the_request_naming_a_company_that_responded(client, world):
    CollaborationFactory(request=world.partner_request, responding_company=world.b)
    client.force_login(world.a_person)
    response = client.post(close_url(world), {"awarded_to": world.b.pk})
    assert response.status_code == 302
    world.partner_request.refresh_from_db()
    assert world.partner_request.status == FindPartnerRequest.Status.CLOSED
    assert world.partner_request.awarded_to == world.b
    assert world.partner_request.closed_at is not None


def test_a_public_reply_counts_as_responding(client, world):
    ReplyFactory(thread=world.partner_request.thread, author=world.c_person, author_company=world.c)
    client.force_login(world.a_person)
    response = client.post(close_url(world), {"awarded_to": world.c.pk})
    assert response.status_code == 302
    world.partner_request.refresh_from_db()
    assert world.partner_request.awarded_to == world.c


def test_request_can_close_without_a_partner(client, world):
    client.force_login(world.a_person)
    assert client.post(close_url(world), {"awarded_to": ""}).status_code == 302
    world.partner_request.refresh_from_db()
    assert world.partner_request.status == FindPartnerRequest.Status.CLOSED
    assert world.partner_request.awarded_to is None


def test_request_cannot_go_to_a_company_that_did_not_respond(client, world):
    client.force_login(world.a_person)
    response = client.post(close_url(world), {"awarded_to": world.c.pk})
    assert response.status_code == 400
    assert "Select a valid choice." in response.content.decode()
    with pytest.raises(ValidationError) as error:
        services.request_close(partner_request=world.partner_request, awarded_to=world.c)
    assert error.value.message_dict == {"awarded_to": [services.NOT_A_RESPONDER]}


def test_only_the_asking_company_may_close(client, world):
    client.force_login(world.b_person)
    response = client.post(close_url(world), {"awarded_to": ""})
    assert response.status_code == 403
    world.partner_request.refresh_from_db()
    assert world.partner_request.status == FindPartnerRequest.Status.OPEN


def test_the_selector_says_another_company_may_not_close(world):
    with pytest.raises(NotPermitted):
        selectors.request_get_for_requester(
            user=world.b_person, request_id=world.partner_request.pk
        )
    with pytest.raises(NotFound):
        selectors.request_get_for_requester(
            user=world.a_person, request_id=world.partner_request.pk + 1
        )


def test_a_closed_request_cannot_close_again(world):
    services.request_close(partner_request=world.partner_request, awarded_to=None)
    with pytest.raises(ValidationError) as error:
        services.request_close(partner_request=world.partner_request, awarded_to=None)
    assert error.value.messages == [services.REQUEST_CLOSED]
