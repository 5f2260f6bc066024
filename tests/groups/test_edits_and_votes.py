"""Editing keeps history for moderators; helpful votes count once; askers accept answers."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from groups import services
from groups.models import HelpfulVote, PostRevision, PostStatus, Thread
from groups.selectors import NOT_PUBLISHED, NOT_YOUR_POST
from tests.groups.factories import MembershipFactory, ReplyFactory, ThreadFactory

pytestmark = pytest.mark.django_db


def test_editing_a_thread_keeps_the_previous_text_and_rerenders(client, group, group_member):
    thread = ThreadFactory(group=group, author=group_member, title="Old title", body_markdown="old")
    client.force_login(group_member)

    response = client.post(
        reverse("groups:thread-edit", args=[group.slug, thread.pk]),
        {"title": "New title", "body_markdown": "new **text**", "tags": "azure"},
    )

    thread.refresh_from_db()
    assert response.status_code == 302
    assert thread.title == "New title"
    assert thread.body_html == "<p>new <strong>text</strong></p>\n"
    assert thread.edited_at is not None
    assert list(thread.tags.names()) == ["azure"]
    revision = PostRevision.objects.get(thread=thread)
    assert (revision.title, revision.body_markdown, revision.editor) == (
        "Old title",
        "old",
        group_member,
    )


def test_editing_a_reply_keeps_the_previous_text(client, group, group_member):
    reply = ReplyFactory(thread__group=group, author=group_member, body_markdown="first try")
    client.force_login(group_member)

    client.post(
        reverse("groups:reply-edit", args=[group.slug, reply.pk]), {"body_markdown": "better"}
    )

    reply.refresh_from_db()
    assert reply.body_markdown == "better"
    assert PostRevision.objects.get(reply=reply).body_markdown == "first try"


def test_nobody_else_can_edit_a_post(client, group, group_member, moderator):
    thread = ThreadFactory(group=group, author=group_member)
    client.force_login(moderator)

    response = client.post(
        reverse("groups:thread-edit", args=[group.slug, thread.pk]),
        {"title": "Hijacked", "body_markdown": "x"},
    )

    assert response.status_code == 403
    assert NOT_YOUR_POST in response.content.decode()
    thread.refresh_from_db()
    assert thread.title != "Hijacked"


def test_moderators_see_the_edit_history_and_members_do_not(client, group, moderator):
    author = MembershipFactory(group=group).user
    thread = ThreadFactory(group=group, author=author, body_markdown="the original wording")
    services.post_edit(post=thread, editor=author, title=thread.title, body_markdown="reworded")
    url = reverse("groups:thread-history", args=[group.slug, thread.pk])

    client.force_login(moderator)
    as_moderator = client.get(url)
    client.force_login(author)
    as_author = client.get(url)

    assert "the original wording" in as_moderator.content.decode()
    assert as_author.status_code == 404


def test_a_member_marks_a_thread_helpful_once_and_can_take_it_back(client, group, group_member):
    thread = ThreadFactory(group=group)
    client.force_login(group_member)
    url = reverse("groups:thread-vote", args=[group.slug, thread.pk])

    client.post(url)
    thread.refresh_from_db()
    assert thread.helpful_count == 1
    assert 'aria-pressed="true"' in client.get(thread.get_absolute_url()).content.decode()

    client.post(url)
    thread.refresh_from_db()
    assert thread.helpful_count == 0
    assert not HelpfulVote.objects.exists()


def test_votes_from_different_members_add_up(client, group):
    reply = ReplyFactory(thread__group=group)
    for _ in range(3):
        client.force_login(MembershipFactory(group=group).user)
        client.post(reverse("groups:reply-vote", args=[group.slug, reply.pk]))

    reply.refresh_from_db()
    assert reply.helpful_count == 3


def test_one_vote_per_member_is_kept_by_the_database(group, group_member):
    thread = ThreadFactory(group=group)
    services.helpful_vote_toggle(post=thread, user=group_member)

    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        HelpfulVote.objects.create(user=group_member, thread=thread)


def test_nobody_votes_for_their_own_post(client, group, group_member):
    thread = ThreadFactory(group=group, author=group_member)
    client.force_login(group_member)

    response = client.post(reverse("groups:thread-vote", args=[group.slug, thread.pk]), follow=True)

    thread.refresh_from_db()
    assert thread.helpful_count == 0
    assert services.CANNOT_VOTE_OWN_POST in response.content.decode()


def test_non_members_cannot_vote(member_client, group):
    thread = ThreadFactory(group=group)

    response = member_client.post(reverse("groups:thread-vote", args=[group.slug, thread.pk]))

    assert response.status_code == 403
    thread.refresh_from_db()
    assert thread.helpful_count == 0


def test_pending_posts_take_no_votes(client, group, moderator):
    thread = ThreadFactory(group=group, status=PostStatus.PENDING)
    client.force_login(moderator)

    response = client.post(reverse("groups:thread-vote", args=[group.slug, thread.pk]))

    assert response.status_code == 403
    assert NOT_PUBLISHED in response.content.decode()


def test_the_asker_accepts_an_answer(client, group, group_member):
    thread = ThreadFactory(group=group, author=group_member, kind=Thread.Kind.QUESTION)
    reply = ReplyFactory(thread=thread, body_markdown="Use availability zones.")
    client.force_login(group_member)

    client.post(reverse("groups:reply-accept", args=[group.slug, reply.pk]))

    thread.refresh_from_db()
    assert thread.accepted_reply == reply
    assert "Accepted answer" in client.get(thread.get_absolute_url()).content.decode()


def test_only_the_asker_accepts_an_answer(client, group, group_member):
    thread = ThreadFactory(group=group, kind=Thread.Kind.QUESTION)
    reply = ReplyFactory(thread=thread)
    client.force_login(group_member)

    response = client.post(reverse("groups:reply-accept", args=[group.slug, reply.pk]))

    assert response.status_code == 403
    assert escape(services.ACCEPT_ONLY_AUTHOR) in response.content.decode()
    thread.refresh_from_db()
    assert thread.accepted_reply is None


def test_discussions_have_no_accepted_answer(client, group, group_member):
    thread = ThreadFactory(group=group, author=group_member, kind=Thread.Kind.DISCUSSION)
    reply = ReplyFactory(thread=thread)
    client.force_login(group_member)

    response = client.post(reverse("groups:reply-accept", args=[group.slug, reply.pk]))

    assert response.status_code == 403
    assert services.ACCEPT_ONLY_QUESTIONS in response.content.decode()


def test_group_page_ranks_by_helpfulness_on_request_with_pinned_first(client, group):
    ThreadFactory(group=group, title="Quiet but pinned", is_pinned=True)
    ThreadFactory(group=group, title="Very helpful", helpful_count=9)
    ThreadFactory(group=group, title="Newest activity", helpful_count=0)

    by_helpful = client.get(reverse("groups:detail", args=[group.slug]), {"sort": "helpful"})
    by_activity = client.get(reverse("groups:detail", args=[group.slug]))

    def order(response):
        page = response.content.decode()
        titles = ["Quiet but pinned", "Very helpful", "Newest activity"]
        return sorted(titles, key=page.index)

    assert order(by_helpful) == ["Quiet but pinned", "Very helpful", "Newest activity"]
    assert order(by_activity) == ["Quiet but pinned", "Newest activity", "Very helpful"]


def test_long_threads_are_paginated(client, group):
    thread = ThreadFactory(group=group)
    ReplyFactory.create_batch(51, thread=thread, body_markdown="same")
    ReplyFactory(thread=thread, body_markdown="the very last word")

    first = client.get(thread.get_absolute_url()).content.decode()
    last = client.get(thread.get_absolute_url(), {"page": 2}).content.decode()

    assert "the very last word" not in first
    assert "Page 1 of 2" in first
    assert "the very last word" in last


@pytest.mark.django_db
def test_the_thread_page_points_each_reply_action_at_that_reply(client, group, group_member):
    thread = ThreadFactory(group=group)
    others = [ReplyFactory(thread=thread) for _ in range(3)]
    own = ReplyFactory(thread=thread, author=group_member)
    client.force_login(group_member)

    page = client.get(thread.get_absolute_url()).content.decode()

    for reply in others:
        assert f'action="{reverse("groups:reply-vote", args=[group.slug, reply.pk])}"' in page
        assert f'action="{reverse("moderation:flag", args=["reply", reply.pk])}"' in page
    assert f'href="{reverse("groups:reply-edit", args=[group.slug, own.pk])}"' in page
    assert f'action="{reverse("moderation:flag", args=["thread", thread.pk])}"' in page


def test_only_the_asker_is_offered_the_accept_button(client, group, group_member):
    thread = ThreadFactory(group=group, author=group_member, kind=Thread.Kind.QUESTION)
    ReplyFactory(thread=thread)
    other = MembershipFactory(group=group).user

    client.force_login(group_member)
    assert "Accept this answer" in client.get(thread.get_absolute_url()).content.decode()
    client.force_login(other)
    assert "Accept this answer" not in client.get(thread.get_absolute_url()).content.decode()
