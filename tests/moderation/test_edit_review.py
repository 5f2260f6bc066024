"""An edit goes back through review: no approved text can be swapped for spam that goes live."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.urls import reverse

from groups import services as group_services
from groups.models import Group, PostStatus, Thread
from groups.selectors import visible_threads
from groups.views.thread import EDIT_WAITING
from moderation.models import MemberTrust, ModerationItem
from moderation.services import EDITED_SINCE_QUEUED, EDITED_WHILE_WAITING, item_approve
from tests.moderation.factories import published_reply

pytestmark = pytest.mark.django_db

SPAM = "We are hiring! Apply now, great salary, DM me for the job."


def _held_then_approved(submit, group, author, moderator) -> Thread:
    thread = submit(group=group, author=author)
    assert thread.status == PostStatus.PENDING
    item_approve(item=ModerationItem.objects.get(thread=thread), moderator=moderator)
    thread.refresh_from_db()
    assert thread.status == PostStatus.PUBLISHED
    return thread


def _edit(client, thread, body, capture):
    with capture(execute=True):
        return client.post(
            reverse("groups:thread-edit", args=[thread.group.slug, thread.pk]),
            {"title": thread.title, "body_markdown": body, "tags": ""},
            follow=True,
        )


def test_editing_an_approved_post_into_spam_takes_it_down_until_reviewed(
    client, group, moderator, newcomer, submit, django_capture_on_commit_callbacks
):
    thread = _held_then_approved(submit, group, newcomer, moderator)
    group.refresh_from_db()
    assert group.thread_count == 1
    client.force_login(newcomer)

    response = _edit(client, thread, SPAM, django_capture_on_commit_callbacks)

    thread.refresh_from_db()
    group.refresh_from_db()
    assert thread.status == PostStatus.PENDING
    assert not visible_threads(viewer=AnonymousUser(), group=group).filter(pk=thread.pk).exists()
    assert group.thread_count == 0
    assert ModerationItem.objects.filter(thread=thread, status="open").count() == 1
    assert EDIT_WAITING in response.content.decode().replace("&#x27;", "'")


def test_approving_the_edit_brings_the_post_back_and_counts_it_once(
    client, group, moderator, newcomer, submit, django_capture_on_commit_callbacks
):
    thread = _held_then_approved(submit, group, newcomer, moderator)
    client.force_login(newcomer)
    capture = django_capture_on_commit_callbacks
    _edit(client, thread, "A clearer wording of the same question.", capture)

    item_approve(item=ModerationItem.objects.get(thread=thread, status="open"), moderator=moderator)

    thread.refresh_from_db()
    group.refresh_from_db()
    assert thread.status == PostStatus.PUBLISHED
    assert "clearer wording" in thread.body_html
    assert group.thread_count == 1


def test_a_trusted_members_clean_edit_is_published_again_at_once(
    client, group, veteran, submit, django_capture_on_commit_callbacks
):
    MemberTrust.objects.create(user=veteran, approved_posts=10)
    thread = submit(group=group, author=veteran)
    assert thread.status == PostStatus.PUBLISHED
    client.force_login(veteran)

    capture = django_capture_on_commit_callbacks
    _edit(client, thread, "How do you plan cut-over weekends for SAP?", capture)

    thread.refresh_from_db()
    group.refresh_from_db()
    assert thread.status == PostStatus.PUBLISHED
    assert group.thread_count == 1
    assert not ModerationItem.objects.filter(thread=thread).exists()


def test_a_moderators_edit_of_their_own_post_stays_up(
    client, moderator, django_capture_on_commit_callbacks
):
    group = moderator.group_memberships.get().group
    Group.objects.filter(pk=group.pk).update(
        moderation_policy=Group.ModerationPolicy.PREMODERATE_ALL
    )
    from tests.moderation.factories import published_thread

    thread = published_thread(group=group, author=moderator)
    client.force_login(moderator)

    _edit(client, thread, "Corrected a typo.", django_capture_on_commit_callbacks)

    thread.refresh_from_db()
    assert thread.status == PostStatus.PUBLISHED
    assert not ModerationItem.objects.filter(thread=thread).exists()


def test_editing_a_published_reply_takes_it_out_of_the_reply_count(
    group, newcomer, django_capture_on_commit_callbacks
):
    reply = published_reply(thread__group=group, author=newcomer)
    reply.thread.refresh_from_db()
    assert reply.thread.reply_count == 1

    with django_capture_on_commit_callbacks(execute=True):
        group_services.post_edit(post=reply, editor=newcomer, body_markdown=SPAM)

    reply.refresh_from_db()
    reply.thread.refresh_from_db()
    assert reply.status == PostStatus.PENDING
    assert reply.thread.reply_count == 0


def test_approving_text_the_author_has_since_edited_is_refused_with_a_reason(
    moderator_client, group, newcomer, submit, django_capture_on_commit_callbacks
):
    thread = submit(group=group, author=newcomer)
    reviewed = ModerationItem.objects.get(thread=thread)
    with django_capture_on_commit_callbacks(execute=True):
        group_services.post_edit(
            post=thread, editor=newcomer, title=thread.title, body_markdown=SPAM
        )

    response = moderator_client.post(
        reverse("moderation:item-action", args=[reviewed.pk, "approve"])
    )

    thread.refresh_from_db()
    assert response.status_code == 400
    assert EDITED_SINCE_QUEUED in response.content.decode().replace("&#x27;", "'")
    assert thread.status == PostStatus.PENDING
    fresh = ModerationItem.objects.get(thread=thread, status="open")
    assert fresh.reasons[0] == EDITED_WHILE_WAITING


def test_an_item_created_before_the_last_edit_cannot_be_approved(
    group, moderator, newcomer, submit
):
    thread = submit(group=group, author=newcomer)
    item = ModerationItem.objects.get(thread=thread)
    # An edit that lands between the moderator reading the item and approving it.
    Thread.objects.filter(pk=thread.pk).update(edited_at=item.created_at + timedelta(seconds=1))

    with pytest.raises(ValidationError) as refusal:
        item_approve(item=item, moderator=moderator)

    assert refusal.value.messages == [EDITED_SINCE_QUEUED]
    thread.refresh_from_db()
    assert thread.status == PostStatus.PENDING
