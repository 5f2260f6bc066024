"""The dashboard's getting-started checklist and its "ask your first question" form."""

import pytest
from django.urls import reverse

from digests.models import DigestPreference
from groups.models import Group, PostStatus, Thread
from home.views import QUESTION_WAITING
from moderation.models import ModerationItem
from tests.directory.factories import CompanyMembershipFactory
from tests.groups.factories import GroupFactory, MembershipFactory, ThreadFactory

pytestmark = pytest.mark.django_db

M = Group.ModerationPolicy
QUESTION = {"title": "How do you price a landing zone?", "body_markdown": "Fixed or T&M?"}


def _page(client) -> str:
    return client.get("/").content.decode()


@pytest.fixture
def ask(member_client, django_capture_on_commit_callbacks):
    """Post a question from the dashboard, with screening run as after a real commit."""

    def ask(group, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return member_client.post(
                reverse("first-question"), {"group": group.pk, **QUESTION}, **kwargs
            )

    return ask


def test_a_newcomer_sees_five_steps_with_none_done(member_client):
    page = _page(member_client)

    assert 'id="getting-started"' in page
    assert "of 5 done)" in page
    for label in (
        "job title",
        "Join or list your company",
        "topic groups",
        "first question",
        "digest",
    ):
        assert label in page


def test_the_checklist_goes_once_every_step_is_done(member_client, member):
    member.job_title = "Solution architect"
    member.save()
    CompanyMembershipFactory(user=member)
    group = GroupFactory()
    MembershipFactory(group=group, user=member)
    ThreadFactory(group=group, author=member)
    DigestPreference.objects.create(member=member)

    assert 'id="getting-started"' not in _page(member_client)


def test_a_first_question_in_a_premoderated_group_is_saved_held_and_the_member_told(ask, member):
    group = GroupFactory(moderation_policy=M.PREMODERATE_NEW)
    MembershipFactory(group=group, user=member)

    response = ask(group, follow=True)

    thread = Thread.objects.get(author=member)
    assert (thread.kind, thread.status) == (Thread.Kind.QUESTION, PostStatus.PENDING)
    assert ModerationItem.objects.filter(thread=thread).exists()
    assert response.redirect_chain[-1][0] == thread.get_absolute_url()
    assert QUESTION_WAITING in response.content.decode()


def test_a_first_question_in_a_postmoderated_group_is_published(ask, member):
    group = GroupFactory(moderation_policy=M.POSTMODERATE)
    MembershipFactory(group=group, user=member)

    ask(group)

    assert Thread.objects.get(author=member).status == PostStatus.PUBLISHED


def test_a_pending_company_request_does_not_stop_a_first_question(ask, member):
    CompanyMembershipFactory(user=member, status="requested")
    group = GroupFactory(moderation_policy=M.POSTMODERATE)
    MembershipFactory(group=group, user=member)

    ask(group)

    assert Thread.objects.filter(author=member, status=PostStatus.PUBLISHED).exists()


def test_a_question_cannot_go_to_a_group_i_am_not_an_active_member_of(member_client, member):
    mine = GroupFactory()
    MembershipFactory(group=mine, user=member)
    asked = GroupFactory()
    MembershipFactory(group=asked, user=member, status="requested")
    stranger = GroupFactory()

    for group in (asked, stranger):
        response = member_client.post(reverse("first-question"), {"group": group.pk, **QUESTION})
        assert response.status_code == 400
    assert not Thread.objects.exists()


def test_a_visitor_cannot_post_a_first_question(client):
    group = GroupFactory()

    response = client.post(reverse("first-question"), {"group": group.pk, **QUESTION})

    assert response.status_code == 302
    assert not Thread.objects.exists()


def test_the_question_form_lists_only_my_active_groups(member_client, member):
    mine = GroupFactory(name="Mine")
    MembershipFactory(group=mine, user=member)
    GroupFactory(name="Someone else's")

    page = _page(member_client)

    assert "Ask your first question" in page
    assert f'<option value="{mine.pk}"' in page
    assert "Someone else&#x27;s" not in page
