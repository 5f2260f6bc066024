"""Private collaboration threads: opened by answering a request, readable only by the people of
the two companies and by program staff; everyone else gets a 404, as if it did not exist."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from collaboration import selectors, services
from collaboration.models import Collaboration, FindPartnerRequest
from directory.models import CompanyMembership
from groups.models import Group
from portal.errors import NotFound
from tests.collaboration.factories import CollaborationMessageFactory, person_of
from tests.directory.factories import CompanyMembershipFactory
from tests.factories import UserFactory
from tests.groups.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def respond_url(world):
    return reverse("collaboration:respond", kwargs={"request_id": world.partner_request.pk})


def detail_url(collaboration):
    return reverse("collaboration:detail", kwargs={"collaboration_id": collaboration.pk})


@pytest.fixture
def collaboration(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.collaboration_open(
            partner_request=world.partner_request,
            responder=world.b_person,
            responder_company=world.b,
            body="We migrated **four** retailers to Snowflake.",
        )


def test_responding_privately_opens_a_collaboration_and_tells_the_asker(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(world.b_person)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(respond_url(world), {"body": "We can help, see our case study."})

    collaboration = Collaboration.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(collaboration)
    assert collaboration.requesting_company == world.a
    assert collaboration.responding_company == world.b
    assert set(collaboration.participants.all()) == {world.a_person, world.b_person}
    assert [mail.to for mail in mailoutbox] == [[world.a_person.email]]
    assert "answered your request privately" in mailoutbox[0].subject
    assert mailoutbox[0].subject.startswith("[Partner Portal] ")
    assert "\n--\nPartner Portal · http://testserver/" in mailoutbox[0].body


def test_responding_twice_continues_the_same_collaboration(world, collaboration):
    again = services.collaboration_open(
        partner_request=world.partner_request,
        responder=world.b_person,
        responder_company=world.b,
        body="One more thing.",
    )
    assert again == collaboration
    assert collaboration.messages.count() == 2


def test_company_cannot_respond_to_its_own_request(client, world):
    client.force_login(world.a_person)
    response = client.post(respond_url(world), {"body": "Hello me"})
    assert response.status_code == 400
    assert services.OWN_REQUEST in response.content.decode()


def test_closed_request_cannot_be_answered(client, world):
    FindPartnerRequest.objects.filter(pk=world.partner_request.pk).update(
        status="closed", closed_at=world.partner_request.created_at
    )
    client.force_login(world.b_person)
    response = client.post(respond_url(world), {"body": "Too late?"})
    assert response.status_code == 400
    assert services.REQUEST_CLOSED in response.content.decode()


def test_empty_response_is_refused_with_a_message(client, world):
    client.force_login(world.b_person)
    response = client.post(respond_url(world), {"body": ""})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not Collaboration.objects.exists()


def test_member_without_company_is_told_to_join_one(client, world):
    loner = UserFactory()
    MembershipFactory(group=world.group, user=loner)
    client.force_login(loner)
    response = client.post(respond_url(world), {"body": "I freelance."})
    assert response.status_code == 400
    assert services.NO_COMPANY in response.content.decode()


# Visibility -----------------------------------------------------------------------------------


def test_people_of_both_companies_read_the_collaboration(client, world, collaboration):
    colleague_of_a = person_of(world.a)  # not a participant, still one of A's people
    for viewer in (world.a_person, world.b_person, colleague_of_a):
        client.force_login(viewer)
        response = client.get(detail_url(collaboration))
        assert response.status_code == 200
        assert "four" in response.content.decode()


def test_staff_read_the_collaboration(staff_client, collaboration):
    assert staff_client.get(detail_url(collaboration)).status_code == 200


def test_third_company_gets_404(client, world, collaboration):
    client.force_login(world.c_person)
    assert client.get(detail_url(collaboration)).status_code == 404
    response = client.post(detail_url(collaboration), {"body": "Let me in"})
    assert response.status_code == 404
    assert collaboration.messages.count() == 1


def test_the_selector_says_not_found_to_a_third_company(world, collaboration):
    with pytest.raises(NotFound):
        selectors.collaboration_get_for_viewer(
            viewer=world.c_person, collaboration_id=collaboration.pk
        )


def test_anonymous_visitor_gets_404(client, collaboration):
    assert client.get(detail_url(collaboration)).status_code == 404
    url = reverse("collaboration:participant_add", kwargs={"collaboration_id": collaboration.pk})
    assert client.post(url, {"user": 1}).status_code == 404


def test_group_member_of_neither_company_gets_404(client, world, collaboration):
    group_member = UserFactory()
    MembershipFactory(group=world.group, user=group_member)
    client.force_login(group_member)
    assert client.get(detail_url(collaboration)).status_code == 404


def test_person_who_only_asked_to_join_a_company_gets_404(client, world, collaboration):
    asking = CompanyMembershipFactory(
        company=world.a, status=CompanyMembership.Status.REQUESTED
    ).user
    client.force_login(asking)
    assert client.get(detail_url(collaboration)).status_code == 404


def test_request_in_a_private_group_cannot_be_answered_by_outsiders(client, world):
    world.group.visibility = Group.Visibility.PRIVATE
    world.group.save()
    outsider = person_of(world.c)
    client.force_login(outsider)
    assert client.get(respond_url(world)).status_code == 404


# Messages and colleagues ----------------------------------------------------------------------


def test_message_markdown_is_sanitized(client, world, collaboration):
    client.force_login(world.a_person)
    body = "Hi <script>alert(1)</script> [x](javascript:alert(2)) **bold**"
    response = client.post(detail_url(collaboration), {"body": body})
    assert response.status_code == 302
    page = client.get(detail_url(collaboration)).content.decode()
    assert "<script>alert(1)" not in page
    assert 'href="javascript' not in page
    assert "<strong>bold</strong>" in page


def test_new_message_emails_the_other_followers(
    client, world, collaboration, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()
    client.force_login(world.a_person)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(detail_url(collaboration), {"body": "When can you start?"})
    assert [mail.to for mail in mailoutbox] == [[world.b_person.email]]


def test_colleague_brought_in_gets_an_email(
    client, world, collaboration, mailoutbox, django_capture_on_commit_callbacks
):
    colleague = person_of(world.b, display_name="Bea Colleague")
    mailoutbox.clear()
    client.force_login(world.b_person)
    url = reverse("collaboration:participant_add", kwargs={"collaboration_id": collaboration.pk})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"user": colleague.pk})
    assert response.status_code == 302
    assert collaboration.participants.filter(pk=colleague.pk).exists()
    assert [mail.to for mail in mailoutbox] == [[colleague.email]]
    assert "brought you into" in mailoutbox[0].subject


def test_people_of_a_third_company_cannot_be_brought_in(client, world, collaboration):
    client.force_login(world.b_person)
    url = reverse("collaboration:participant_add", kwargs={"collaboration_id": collaboration.pk})
    response = client.post(url, {"user": world.c_person.pk})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    with pytest.raises(ValidationError) as error:
        services.collaboration_participant_add(
            collaboration=collaboration, user=world.c_person, added_by=world.b_person
        )
    assert error.value.message_dict == {"user": [services.NOT_COMPANY_PERSON]}


def test_collaboration_page_query_count_does_not_grow_with_messages(
    client, world, collaboration, django_assert_max_num_queries
):
    client.force_login(world.a_person)
    with django_assert_max_num_queries(16) as few:
        client.get(detail_url(collaboration))
    CollaborationMessageFactory.create_batch(49, collaboration=collaboration, author=world.b_person)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(detail_url(collaboration))
    assert response.content.decode().count("collab-message") >= 50
