"""Posting threads and replies: who may post, and policy and trust deciding held or published,
through the real pipeline (post, screening on commit, then look at the status)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from groups.forms import TAG_BAD_CHARACTERS, TAG_BAD_LENGTH, TOO_MANY_TAGS
from groups.models import Group, PostStatus, Reply, Thread
from groups.selectors import NOT_A_MEMBER, THREAD_LOCKED
from moderation.models import MemberTrust, ModerationItem
from tests.factories import UserFactory
from tests.groups.factories import GroupFactory, MembershipFactory, ThreadFactory

pytestmark = pytest.mark.django_db

ORDINARY = {
    "kind": "question",
    "title": "Which landing zone blueprint do you use?",
    "body_markdown": "We compare the *enterprise-scale* blueprint with our own. Experiences?",
    "tags": "azure, landing zone",
}
JOB_POST = {
    "kind": "discussion",
    "title": "We're hiring: full-time cloud engineer",
    "body_markdown": "Job opening! Send your CV, salary negotiable, apply now.",
}


def _member(group, *, trusted=False, moderator=False):
    user = UserFactory(date_joined=timezone.now() - timedelta(days=90))
    if trusted:
        MemberTrust.objects.create(user=user, approved_posts=10)
    MembershipFactory(group=group, user=user, moderator=moderator)
    return user


def _post_thread(client, group, data, capture):
    with capture(execute=True):
        response = client.post(reverse("groups:thread-create", args=[group.slug]), data)
    assert response.status_code == 302
    return Thread.objects.latest("pk")


POLICY_TRUST_CASES = [
    (Group.ModerationPolicy.POSTMODERATE, "untrusted", PostStatus.PUBLISHED),
    (Group.ModerationPolicy.POSTMODERATE, "trusted", PostStatus.PUBLISHED),
    (Group.ModerationPolicy.PREMODERATE_NEW, "untrusted", PostStatus.PENDING),
    (Group.ModerationPolicy.PREMODERATE_NEW, "trusted", PostStatus.PUBLISHED),
    (Group.ModerationPolicy.PREMODERATE_ALL, "untrusted", PostStatus.PENDING),
    (Group.ModerationPolicy.PREMODERATE_ALL, "trusted", PostStatus.PENDING),
    (Group.ModerationPolicy.PREMODERATE_ALL, "moderator", PostStatus.PUBLISHED),
]


@pytest.mark.parametrize(("policy", "who", "status"), POLICY_TRUST_CASES)
def test_policy_and_trust_decide_whether_a_thread_is_held(
    client, django_capture_on_commit_callbacks, policy, who, status
):
    group = GroupFactory(moderation_policy=policy)
    author = _member(group, trusted=who == "trusted", moderator=who == "moderator")
    client.force_login(author)

    thread = _post_thread(client, group, ORDINARY, django_capture_on_commit_callbacks)

    assert thread.status == status
    held = ModerationItem.objects.filter(thread=thread).exists()
    assert held is (status == PostStatus.PENDING)


@pytest.mark.parametrize(("policy", "who", "status"), POLICY_TRUST_CASES)
def test_policy_and_trust_decide_whether_a_reply_is_held(
    client, django_capture_on_commit_callbacks, policy, who, status
):
    group = GroupFactory(moderation_policy=policy)
    thread = ThreadFactory(group=group)
    author = _member(group, trusted=who == "trusted", moderator=who == "moderator")
    client.force_login(author)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("groups:reply", args=[group.slug, thread.pk]),
            {"body_markdown": "We used the blueprint and adapted the network part."},
        )

    reply = Reply.objects.get(thread=thread)
    assert reply.status == status
    thread.refresh_from_db()
    assert thread.reply_count == (1 if status == PostStatus.PUBLISHED else 0)


def test_a_job_post_is_held_even_in_a_post_moderated_group(
    client, django_capture_on_commit_callbacks
):
    group = GroupFactory(moderation_policy=Group.ModerationPolicy.POSTMODERATE)
    client.force_login(_member(group, trusted=True))

    thread = _post_thread(client, group, JOB_POST, django_capture_on_commit_callbacks)

    assert thread.status == PostStatus.PENDING


def test_author_sees_own_pending_thread_marked_waiting_for_review(
    client, django_capture_on_commit_callbacks
):
    group = GroupFactory(moderation_policy=Group.ModerationPolicy.PREMODERATE_ALL)
    author = _member(group)
    other = _member(group)
    client.force_login(author)
    _post_thread(client, group, ORDINARY, django_capture_on_commit_callbacks)

    mine = client.get(reverse("groups:detail", args=[group.slug])).content.decode()
    client.force_login(other)
    theirs = client.get(reverse("groups:detail", args=[group.slug])).content.decode()

    assert ORDINARY["title"] in mine
    assert "Waiting for review" in mine
    assert ORDINARY["title"] not in theirs


def test_author_sees_why_their_thread_was_rejected(client, group):
    author = _member(group)
    ThreadFactory(
        group=group,
        author=author,
        title="Buy our licences",
        status=PostStatus.REJECTED,
        rejection_reason="Advertising is not allowed here.",
    )
    client.force_login(author)

    page = client.get(reverse("groups:detail", args=[group.slug])).content.decode()

    assert "Buy our licences" in page
    assert "Why it was rejected: Advertising is not allowed here." in page


def test_thread_records_the_authors_company(client, group, django_capture_on_commit_callbacks):
    from tests.directory.factories import CompanyMembershipFactory

    author = _member(group, trusted=True)
    company = CompanyMembershipFactory(user=author, company__name="Nimbus Consulting").company
    client.force_login(author)

    thread = _post_thread(client, group, ORDINARY, django_capture_on_commit_callbacks)

    assert thread.author_company == company
    page = client.get(thread.get_absolute_url()).content.decode()
    assert "Nimbus Consulting" in page


def test_non_member_cannot_post_a_thread(member_client, group):
    response = member_client.post(reverse("groups:thread-create", args=[group.slug]), ORDINARY)

    assert response.status_code == 403
    assert NOT_A_MEMBER in response.content.decode()
    assert not Thread.objects.exists()


def test_non_member_cannot_reply(member_client, group):
    thread = ThreadFactory(group=group)

    response = member_client.post(
        reverse("groups:reply", args=[group.slug, thread.pk]), {"body_markdown": "Hi"}
    )

    assert response.status_code == 403
    assert not Reply.objects.exists()


def test_locked_thread_refuses_replies(client, group, group_member):
    thread = ThreadFactory(group=group, is_locked=True)
    client.force_login(group_member)

    response = client.post(
        reverse("groups:reply", args=[group.slug, thread.pk]), {"body_markdown": "One more thing"}
    )

    assert response.status_code == 403
    assert THREAD_LOCKED in response.content.decode()
    assert not Reply.objects.exists()
    assert "Post reply" not in client.get(thread.get_absolute_url()).content.decode()


def test_members_cannot_post_announcements_but_moderators_can(client, group):
    client.force_login(_member(group))
    refused = client.post(
        reverse("groups:thread-create", args=[group.slug]), {**ORDINARY, "kind": "announcement"}
    )
    client.force_login(_member(group, moderator=True))
    accepted = client.post(
        reverse("groups:thread-create", args=[group.slug]), {**ORDINARY, "kind": "announcement"}
    )

    assert refused.status_code == 400
    assert accepted.status_code == 302
    assert Thread.objects.get().kind == Thread.Kind.ANNOUNCEMENT


def test_empty_reply_is_refused_with_a_message(client, group, group_member):
    thread = ThreadFactory(group=group)
    client.force_login(group_member)

    response = client.post(reverse("groups:reply", args=[group.slug, thread.pk]), {})

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()


@pytest.mark.parametrize(
    ("tags", "error"),
    [
        ("a", TAG_BAD_LENGTH),
        ("x" * 31, TAG_BAD_LENGTH),
        ("<script>", TAG_BAD_CHARACTERS),
        ("one, two, three, four, five, six", TOO_MANY_TAGS),
    ],
)
def test_bad_tags_are_refused_with_a_clear_message(client, group, group_member, tags, error):
    client.force_login(group_member)

    response = client.post(
        reverse("groups:thread-create", args=[group.slug]), {**ORDINARY, "tags": tags}
    )

    assert response.status_code == 400
    assert error in response.content.decode()


def test_tags_are_normalised(client, group, group_member, django_capture_on_commit_callbacks):
    client.force_login(group_member)

    thread = _post_thread(
        client,
        group,
        {**ORDINARY, "tags": " Azure ,azure, C#  , Landing   Zone"},
        django_capture_on_commit_callbacks,
    )

    assert sorted(thread.tags.names()) == ["azure", "c#", "landing zone"]
