"""Visitors share cached group and thread pages, yet see changes at once."""

import pytest
from django.urls import reverse

from groups import services
from groups.models import PostStatus
from tests.groups.factories import MembershipFactory, ReplyFactory, ThreadFactory

pytestmark = pytest.mark.django_db


def test_a_newly_published_reply_shows_to_visitors_at_once(
    client, group, django_capture_on_commit_callbacks
):
    thread = ThreadFactory(group=group)
    assert "Fresh insight" not in client.get(thread.get_absolute_url()).content.decode()
    reply = ReplyFactory(thread=thread, body_markdown="Fresh insight", status=PostStatus.PENDING)

    with django_capture_on_commit_callbacks(execute=True):
        services.post_publish(post=reply)

    assert "Fresh insight" in client.get(thread.get_absolute_url()).content.decode()


def test_an_edited_reply_shows_to_visitors_at_once(
    client, group, django_capture_on_commit_callbacks
):
    reply = ReplyFactory(thread__group=group, body_markdown="First wording")
    url = reply.thread.get_absolute_url()
    assert "First wording" in client.get(url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        services.post_edit(post=reply, editor=reply.author, body_markdown="Second wording")

    assert "Second wording" in client.get(url).content.decode()


def test_a_new_thread_shows_on_the_group_page_at_once(
    client, group, django_capture_on_commit_callbacks
):
    url = reverse("groups:detail", args=[group.slug])
    client.get(url)
    thread = ThreadFactory(group=group, title="Brand new topic", status=PostStatus.PENDING)

    with django_capture_on_commit_callbacks(execute=True):
        services.post_publish(post=thread)

    assert "Brand new topic" in client.get(url).content.decode()


def test_members_never_get_the_visitors_page(client, group):
    thread = ThreadFactory(group=group)
    client.get(thread.get_absolute_url())
    client.force_login(MembershipFactory(group=group).user)

    page = client.get(thread.get_absolute_url()).content.decode()

    assert "Post reply" in page
