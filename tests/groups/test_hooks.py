"""Groups tells the apps above it about new and edited posts and decided requests to join
(groups/signals.py) and never imports them; without a receiver, posts still behave sensibly."""

import pytest

from groups import services
from groups.models import GroupMembership, PostStatus
from groups.signals import join_request_decided, post_resubmitted, post_submitted
from moderation import signals as moderation_receivers
from tests.groups.factories import MembershipFactory, ThreadFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def nobody_reviews_posts():
    """Moderation's receivers disconnected, as if moderation were not installed."""
    hooks = [
        (
            post_submitted,
            moderation_receivers.screen_submitted_post,
            "moderation_screen_submitted_post",
        ),
        (
            post_resubmitted,
            moderation_receivers.review_resubmitted_post,
            "moderation_review_resubmitted_post",
        ),
    ]
    for signal, _, uid in hooks:
        assert signal.disconnect(dispatch_uid=uid)
    yield
    for signal, receiver, uid in hooks:
        signal.connect(receiver, dispatch_uid=uid)


def test_a_new_thread_is_announced_pending_inside_its_transaction(group, group_member):
    seen = []

    def receiver(sender, post, **kwargs):
        seen.append((sender, post.status))

    post_submitted.connect(receiver)
    try:
        thread = services.thread_create(
            group=group, author=group_member, title="Cut-over weekends", body_markdown="Plans?"
        )
    finally:
        post_submitted.disconnect(receiver)

    assert seen == [(type(thread), PostStatus.PENDING)]


def test_without_a_reviewer_a_new_thread_and_reply_are_published_at_once(
    group, group_member, nobody_reviews_posts
):
    thread = services.thread_create(
        group=group, author=group_member, title="Cut-over weekends", body_markdown="Plans?"
    )
    reply = services.reply_create(thread=thread, author=group_member, body_markdown="Fridays.")

    thread.refresh_from_db()
    assert (thread.status, thread.reply_count) == (PostStatus.PUBLISHED, 1)
    assert reply.status == PostStatus.PUBLISHED
    group.refresh_from_db()
    assert group.thread_count == 1


def test_without_a_reviewer_an_edit_leaves_the_post_published(
    group, group_member, nobody_reviews_posts
):
    thread = ThreadFactory(group=group, author=group_member)

    services.post_edit(post=thread, editor=group_member, body_markdown="Reworded.")

    thread.refresh_from_db()
    assert (thread.status, thread.body_markdown) == (PostStatus.PUBLISHED, "Reworded.")


def test_a_decided_request_to_join_is_announced_with_its_decision(group, moderator):
    asking = MembershipFactory(group=group, requested=True)
    seen = []

    def receiver(sender, group, membership, approved, moderator, **kwargs):
        seen.append((sender, group, membership.user, approved, moderator))

    join_request_decided.connect(receiver)
    try:
        services.group_request_decide(
            group=group, membership_id=asking.pk, approve=False, moderator=moderator
        )
    finally:
        join_request_decided.disconnect(receiver)

    assert seen == [(GroupMembership, group, asking.user, False, moderator)]
