"""Members flag posts: one flag each, one queue item per post, hidden after enough flags."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from groups.models import Flag, Group, PostStatus
from groups.selectors import visible_threads
from moderation.models import ModerationItem, ModerationLog
from moderation.selectors import FLAG_BANNED, post_get_for_flagging
from moderation.services import FLAG_ALREADY_SENT, FLAG_HIDE_THRESHOLD, FLAG_OWN_POST
from moderation.views import FLAG_THANKS
from portal.errors import NotFound, NotPermitted
from portal.ratelimits import RATE_LIMITED
from tests.factories import UserFactory
from tests.groups.factories import GroupFactory, MembershipFactory, ThreadFactory
from tests.moderation.factories import published_reply, published_thread

pytestmark = pytest.mark.django_db


def _flag_url(kind, post):
    return reverse("moderation:flag", args=[kind, post.pk])


def test_a_flagged_post_enters_the_queue_once_however_many_flags(client, group):
    thread = published_thread(group=group)
    reporters = [UserFactory() for _ in range(FLAG_HIDE_THRESHOLD - 1)]
    reasons = ["spam", "job_posting"]

    for reporter, reason in zip(reporters, reasons, strict=True):
        client.force_login(reporter)
        client.post(_flag_url("thread", thread), {"reason": reason, "next": "/"})

    item = ModerationItem.objects.get(thread=thread)
    assert item.source == ModerationItem.Source.FLAGS
    assert item.flag_count == 2
    assert item.reason_texts == ["Flagged as spam", "Flagged as a job posting"]
    thread.refresh_from_db()
    assert thread.status == PostStatus.PUBLISHED  # still up until enough members agree


def test_after_enough_flags_from_different_members_the_post_is_hidden_pending_review(group):
    from moderation.services import post_flag

    thread = published_thread(group=group)
    for _ in range(FLAG_HIDE_THRESHOLD):
        post_flag(post=thread, reporter=UserFactory(), reason="spam")

    thread.refresh_from_db()
    assert thread.status == PostStatus.PENDING
    assert not visible_threads(viewer=None, group=group).filter(pk=thread.pk).exists()
    assert ModerationItem.objects.filter(thread=thread).count() == 1
    assert ModerationLog.objects.filter(thread=thread, action=ModerationLog.Action.HIDE).exists()


def test_approving_a_hidden_post_brings_it_back(group, moderator):
    from moderation.services import item_approve, post_flag

    thread = published_thread(group=group)
    for _ in range(FLAG_HIDE_THRESHOLD):
        post_flag(post=thread, reporter=UserFactory(), reason="off_topic")

    item_approve(item=ModerationItem.objects.get(thread=thread), moderator=moderator)

    thread.refresh_from_db()
    assert thread.status == PostStatus.PUBLISHED


def test_flagging_a_reply_queues_the_reply(member_client, group):
    reply = published_reply(thread=published_thread(group=group))

    response = member_client.post(_flag_url("reply", reply), {"reason": "abusive", "next": "/"})

    assert response.status_code == 302
    assert ModerationItem.objects.get(reply=reply).flag_count == 1


def test_member_gets_a_thank_you(member_client, group):
    thread = published_thread(group=group)

    response = member_client.post(
        _flag_url("thread", thread), {"reason": "spam", "next": "/"}, follow=True
    )

    assert escape(FLAG_THANKS) in response.content.decode()


def test_member_cannot_flag_their_own_post(client, group):
    thread = published_thread(group=group)
    client.force_login(thread.author)

    response = client.post(_flag_url("thread", thread), {"reason": "spam"})

    assert response.status_code == 400
    assert FLAG_OWN_POST in response.content.decode()
    assert not Flag.objects.exists()


def test_second_flag_by_the_same_member_is_refused(member_client, group):
    thread = published_thread(group=group)
    member_client.post(_flag_url("thread", thread), {"reason": "spam", "next": "/"})

    response = member_client.post(_flag_url("thread", thread), {"reason": "abusive"})

    assert response.status_code == 400
    assert FLAG_ALREADY_SENT in response.content.decode()
    assert Flag.objects.count() == 1
    assert ModerationItem.objects.get(thread=thread).flag_count == 1


def test_unknown_reason_is_a_400(member_client, group):
    thread = published_thread(group=group)

    response = member_client.post(_flag_url("thread", thread), {"reason": "boring"})

    assert response.status_code == 400
    assert not Flag.objects.exists()


def test_post_in_a_private_group_cannot_be_flagged_by_outsiders(member_client):
    private = GroupFactory(visibility=Group.Visibility.PRIVATE)
    thread = published_thread(group=private)
    reply = published_reply(thread=thread)

    assert member_client.post(_flag_url("thread", thread), {"reason": "spam"}).status_code == 404
    assert member_client.post(_flag_url("reply", reply), {"reason": "spam"}).status_code == 404
    assert not Flag.objects.exists()


def test_group_member_can_flag_in_a_private_group(client):
    private = GroupFactory(visibility=Group.Visibility.PRIVATE)
    insider = MembershipFactory(group=private).user
    thread = published_thread(group=private)
    client.force_login(insider)

    client.post(_flag_url("thread", thread), {"reason": "spam", "next": "/"})

    assert Flag.objects.filter(thread=thread, reporter=insider).exists()


def test_unpublished_posts_and_unknown_kinds_answer_404(member_client, group):
    pending = ThreadFactory(group=group, status=PostStatus.PENDING, published_at=None)

    assert member_client.post(_flag_url("thread", pending), {"reason": "spam"}).status_code == 404
    url = reverse("moderation:flag", args=["group", pending.pk])
    assert member_client.post(url, {"reason": "spam"}).status_code == 404


def test_anonymous_visitor_is_sent_to_sign_in(client, group):
    thread = published_thread(group=group)

    response = client.post(_flag_url("thread", thread), {"reason": "spam"})

    assert response.status_code == 302
    assert not Flag.objects.exists()


def test_flagging_is_rate_limited_with_a_friendly_page(member_client, group):
    threads = [published_thread(group=group) for _ in range(11)]
    for thread in threads[:10]:
        ok = member_client.post(_flag_url("thread", thread), {"reason": "spam", "next": "/"})
        assert ok.status_code == 302

    response = member_client.post(_flag_url("thread", threads[10]), {"reason": "spam"})

    assert response.status_code == 429
    assert RATE_LIMITED in response.content.decode()
    assert Flag.objects.count() == 10


def test_next_pointing_elsewhere_is_ignored(member_client, group):
    thread = published_thread(group=group)

    response = member_client.post(
        _flag_url("thread", thread), {"reason": "spam", "next": "https://evil.example.com/"}
    )

    assert response.status_code == 302
    assert response.url == thread.get_absolute_url()


def test_after_an_approval_one_new_flag_does_not_hide_the_post_again(group, moderator):
    from moderation.services import item_approve, post_flag

    thread = published_thread(group=group)
    for _ in range(FLAG_HIDE_THRESHOLD):
        post_flag(post=thread, reporter=UserFactory(), reason="spam")
    item_approve(item=ModerationItem.objects.get(thread=thread), moderator=moderator)

    post_flag(post=thread, reporter=UserFactory(), reason="spam")

    thread.refresh_from_db()
    assert thread.status == PostStatus.PUBLISHED
    assert ModerationItem.objects.get(thread=thread, status="open").flag_count == 1


def test_after_an_approval_the_full_threshold_of_new_flags_hides_it_again(group, moderator):
    from moderation.services import item_approve, post_flag

    thread = published_thread(group=group)
    for _ in range(FLAG_HIDE_THRESHOLD):
        post_flag(post=thread, reporter=UserFactory(), reason="spam")
    item_approve(item=ModerationItem.objects.get(thread=thread), moderator=moderator)

    for _ in range(FLAG_HIDE_THRESHOLD):
        post_flag(post=thread, reporter=UserFactory(), reason="spam")

    thread.refresh_from_db()
    assert thread.status == PostStatus.PENDING


def test_a_member_banned_from_the_group_cannot_flag_its_posts(client, group):
    thread = published_thread(group=group)
    banned = MembershipFactory(group=group, banned=True).user
    client.force_login(banned)

    response = client.post(_flag_url("thread", thread), {"reason": "spam"})

    assert response.status_code == 403
    assert escape(FLAG_BANNED) in response.content.decode()
    assert not Flag.objects.filter(thread=thread).exists()


def test_the_flagging_selector_raises_domain_errors_not_http_ones(group):
    thread = published_thread(group=group)
    banned = MembershipFactory(group=group, banned=True).user
    private = GroupFactory(visibility=Group.Visibility.PRIVATE)
    hidden = published_thread(group=private)

    with pytest.raises(NotPermitted, match=FLAG_BANNED):
        post_get_for_flagging(viewer=banned, kind="thread", post_id=thread.pk)
    with pytest.raises(NotFound):
        post_get_for_flagging(viewer=banned, kind="thread", post_id=hidden.pk)
