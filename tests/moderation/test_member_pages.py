"""A moderation decision shows at once on the pages of members who read the post before."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from groups.models import Flag, PostStatus
from moderation import services
from tests.groups.factories import ReplyFactory

pytestmark = pytest.mark.django_db


def _reply_item(page: str, reply) -> str:
    match = re.search(rf'<li id="reply-{reply.pk}".*?</li>', page, re.S)
    return match.group(0) if match else ""


def test_a_reply_rejected_after_a_flag_leaves_the_page_of_a_member_who_read_it(
    group, moderator, veteran, django_capture_on_commit_callbacks
):
    reply = ReplyFactory(thread__group=group, body_markdown="Hiring: send us your CV")
    url = reply.thread.get_absolute_url()
    reader = Client()
    reader.force_login(veteran)
    assert "send us your CV" in _reply_item(reader.get(url).content.decode(), reply)
    author = Client()
    author.force_login(reply.author)
    author.get(url)

    with django_capture_on_commit_callbacks(execute=True):
        services.post_flag(post=reply, reporter=veteran, reason=Flag.Reason.JOB_POSTING)
    item = reply.moderation_items.get()
    moderator_client = Client()
    moderator_client.force_login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        moderator_client.post(
            reverse("moderation:item-action", args=[item.pk, "reject"]),
            {"reason": "Please post jobs on the job board."},
        )

    reply.refresh_from_db()
    assert reply.status == PostStatus.REJECTED
    assert _reply_item(reader.get(url).content.decode(), reply) == ""
    own = _reply_item(author.get(url).content.decode(), reply)
    assert "Why it was rejected: Please post jobs on the job board." in own
