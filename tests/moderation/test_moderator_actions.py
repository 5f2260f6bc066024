"""Pin, lock, remove and ban: only the group's moderators and staff, every act audited."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from groups.models import Group, GroupMembership, PostStatus
from groups.selectors import visible_threads
from moderation.models import ModerationItem, ModerationLog
from moderation.selectors import NOT_A_MODERATOR
from moderation.services import BAN_MODERATOR, BAN_REASON_REQUIRED, NOT_BANNED
from tests.factories import UserFactory
from tests.groups.factories import GroupFactory, MembershipFactory
from tests.moderation.factories import published_thread

pytestmark = pytest.mark.django_db


def _thread_url(thread, action):
    return reverse("moderation:thread-action", args=[thread.pk, action])


def _ban_url(group, user):
    return reverse("moderation:ban", args=[group.slug, user.pk])


@pytest.mark.parametrize(
    ("action", "field", "value"),
    [("pin", "is_pinned", True), ("lock", "is_locked", True)],
)
def test_moderator_pins_and_locks_and_each_act_is_audited(
    moderator_client, moderator, group, action, field, value
):
    thread = published_thread(group=group)

    response = moderator_client.post(_thread_url(thread, action), {"next": "/"})

    assert response.status_code == 302
    thread.refresh_from_db()
    assert getattr(thread, field) is value
    log = ModerationLog.objects.get(action=action)
    assert (log.actor, log.thread, log.group) == (moderator, thread, group)


def test_unpin_and_unlock_undo(moderator_client, group):
    thread = published_thread(group=group, is_pinned=True, is_locked=True)

    moderator_client.post(_thread_url(thread, "unpin"), {"next": "/"})
    moderator_client.post(_thread_url(thread, "unlock"), {"next": "/"})

    thread.refresh_from_db()
    assert (thread.is_pinned, thread.is_locked) == (False, False)
    assert ModerationLog.objects.filter(action__in=["unpin", "unlock"]).count() == 2


def test_removed_thread_disappears_keeps_its_text_and_closes_its_queue_item(
    moderator_client, moderator, group, veteran
):
    from moderation.services import post_flag

    thread = published_thread(group=group)
    post_flag(post=thread, reporter=veteran, reason="spam")

    moderator_client.post(_thread_url(thread, "remove"), {"reason": "Spam", "next": "/"})

    thread.refresh_from_db()
    assert thread.status == PostStatus.REMOVED
    assert thread.body_markdown  # nothing the author wrote is deleted
    assert not visible_threads(viewer=veteran, group=group).filter(pk=thread.pk).exists()
    assert ModerationItem.objects.get(thread=thread).status == ModerationItem.Status.REJECTED
    assert ModerationLog.objects.get(action="remove").reason == "Spam"
    group.refresh_from_db()
    assert group.thread_count == 0


def test_staff_act_in_any_group(staff_client, other_group):
    thread = published_thread(group=other_group)

    staff_client.post(_thread_url(thread, "lock"), {"next": "/"})

    thread.refresh_from_db()
    assert thread.is_locked


def test_anonymous_visitor_is_sent_to_sign_in(client, group):
    thread = published_thread(group=group)

    assert client.post(_thread_url(thread, "pin")).status_code == 302
    thread.refresh_from_db()
    assert not thread.is_pinned


def test_plain_member_who_can_see_the_thread_gets_403(client, group, veteran):
    thread = published_thread(group=group)
    client.force_login(veteran)

    response = client.post(_thread_url(thread, "pin"))

    assert response.status_code == 403
    thread.refresh_from_db()
    assert not thread.is_pinned
    assert not ModerationLog.objects.exists()


def test_moderator_of_another_group_gets_403_on_a_public_thread(client, other_moderator, group):
    thread = published_thread(group=group)
    client.force_login(other_moderator)

    assert client.post(_thread_url(thread, "lock")).status_code == 403
    assert client.post(_ban_url(group, UserFactory()), {"reason": "x"}).status_code == 403


def test_moderator_of_another_group_gets_404_in_a_private_group(client, other_moderator):
    private = GroupFactory(visibility=Group.Visibility.PRIVATE)
    thread = published_thread(group=private)
    client.force_login(other_moderator)

    assert client.post(_thread_url(thread, "remove")).status_code == 404
    assert client.post(_ban_url(private, UserFactory()), {"reason": "x"}).status_code == 404


def test_unknown_thread_action_and_thread_are_404(moderator_client, group):
    thread = published_thread(group=group)

    assert moderator_client.post(_thread_url(thread, "delete")).status_code == 404
    missing = reverse("moderation:thread-action", args=[999999, "pin"])
    assert moderator_client.post(missing).status_code == 404


def test_get_is_not_allowed(moderator_client, group):
    thread = published_thread(group=group)

    assert moderator_client.get(_thread_url(thread, "pin")).status_code == 405


def test_moderator_bans_a_member_with_a_reason_and_it_is_audited(
    moderator_client, moderator, group, newcomer
):
    group.refresh_from_db()
    members_before = group.member_count

    moderator_client.post(_ban_url(group, newcomer), {"reason": "Repeated job ads", "next": "/"})

    membership = GroupMembership.objects.get(group=group, user=newcomer)
    assert membership.status == GroupMembership.Status.BANNED
    assert membership.ban_reason == "Repeated job ads"
    group.refresh_from_db()
    assert group.member_count == members_before - 1
    log = ModerationLog.objects.get(action=ModerationLog.Action.BAN)
    assert (log.actor, log.target_user, log.reason) == (moderator, newcomer, "Repeated job ads")


def test_a_visitor_who_never_joined_can_be_banned_too(moderator_client, group):
    spammer = UserFactory()

    moderator_client.post(_ban_url(group, spammer), {"reason": "Spam", "next": "/"})

    assert GroupMembership.objects.get(group=group, user=spammer).status == "banned"


def test_ban_needs_a_reason(moderator_client, group, newcomer):
    response = moderator_client.post(_ban_url(group, newcomer), {"reason": ""})

    assert response.status_code == 400
    assert BAN_REASON_REQUIRED in response.content.decode()
    assert GroupMembership.objects.get(group=group, user=newcomer).status == "active"


def test_moderators_cannot_be_banned(moderator_client, group):
    colleague = MembershipFactory(group=group, moderator=True).user

    response = moderator_client.post(_ban_url(group, colleague), {"reason": "Disagreement"})

    assert response.status_code == 400
    assert BAN_MODERATOR in response.content.decode()


def test_plain_member_cannot_ban(client, group, veteran, newcomer):
    client.force_login(veteran)

    response = client.post(_ban_url(group, newcomer), {"reason": "I do not like them"})

    assert response.status_code == 403
    assert escape(NOT_A_MODERATOR) in response.content.decode()
    assert GroupMembership.objects.get(group=group, user=newcomer).status == "active"


def test_banning_an_unknown_user_is_404(moderator_client, group):
    url = reverse("moderation:ban", args=[group.slug, 999999])

    assert moderator_client.post(url, {"reason": "x"}).status_code == 404


def test_unban_lifts_the_ban_and_is_audited(moderator_client, moderator, group, newcomer):
    from moderation.services import member_ban

    member_ban(group=group, moderator=moderator, user=newcomer, reason="Spam")

    moderator_client.post(
        reverse("moderation:unban", args=[group.slug, newcomer.pk]), {"next": "/"}
    )

    assert not GroupMembership.objects.filter(group=group, user=newcomer).exists()
    assert ModerationLog.objects.filter(action="unban", target_user=newcomer).exists()


def test_unban_of_someone_not_banned_is_a_clear_400(moderator_client, group, newcomer):
    response = moderator_client.post(reverse("moderation:unban", args=[group.slug, newcomer.pk]))

    assert response.status_code == 400
    assert NOT_BANNED in response.content.decode()
