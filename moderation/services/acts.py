"""Moderator acts on threads and members, and staff's watched words."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from groups.models import Group, GroupMembership, PostStatus, Thread
from groups.selectors import can_moderate_group
from groups.services import post_unpublish
from moderation.models import WAITING, ModerationItem, ModerationLog, WatchedWord
from moderation.services._common import (
    BAN_MODERATOR,
    BAN_REASON_REQUIRED,
    BAN_SELF,
    NOT_BANNED,
    REMOVE_REASON_DEFAULT,
    THREAD_ACTIONS,
    WATCHED_WORD_EXISTS,
    WATCHED_WORD_TOO_SHORT,
    _log,
)


@transaction.atomic
def thread_moderate(*, thread: Thread, moderator, action: str, reason: str = "") -> Thread:
    """Pin, unpin, lock, unlock or remove a thread; removing closes its waiting queue item."""
    thread = (
        Thread.objects.select_for_update(of=("self",)).select_related("group").get(pk=thread.pk)
    )
    if action in ("pin", "unpin"):
        thread.is_pinned = action == "pin"
        thread.save(update_fields=["is_pinned", "updated_at"])
    elif action in ("lock", "unlock"):
        thread.is_locked = action == "lock"
        thread.save(update_fields=["is_locked", "updated_at"])
    else:
        reason = reason.strip() or REMOVE_REASON_DEFAULT
        post_unpublish(post=thread, status=PostStatus.REMOVED, reason=reason[:300])
        ModerationItem.objects.filter(thread=thread, status__in=WAITING).update(
            status=ModerationItem.Status.REJECTED, decided_at=timezone.now(), decided_by=moderator
        )
    _log(
        group=thread.group,
        action=THREAD_ACTIONS[action],
        actor=moderator,
        post=thread,
        target_user=thread.author,
        reason=reason,
    )
    return thread


@transaction.atomic
def member_ban(*, group: Group, moderator, user, reason: str) -> GroupMembership:
    """Ban a person from a group: they can no longer take part in it; the reason is kept."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(BAN_REASON_REQUIRED)
    if user.pk == moderator.pk:
        raise ValidationError(BAN_SELF)
    if can_moderate_group(user=user, group=group):
        raise ValidationError(BAN_MODERATOR)
    membership, _ = GroupMembership.objects.select_for_update().get_or_create(
        group=group, user=user, defaults={"status": GroupMembership.Status.BANNED}
    )
    if membership.status == GroupMembership.Status.ACTIVE:
        Group.objects.filter(pk=group.pk, member_count__gt=0).update(
            member_count=F("member_count") - 1
        )
    membership.status = GroupMembership.Status.BANNED
    membership.role = GroupMembership.Role.MEMBER
    membership.ban_reason = reason[:300]
    membership.save(update_fields=["status", "role", "ban_reason", "updated_at"])
    _log(
        group=group,
        action=ModerationLog.Action.BAN,
        actor=moderator,
        target_user=user,
        reason=reason,
    )
    return membership


@transaction.atomic
def member_unban(*, group: Group, moderator, user) -> None:
    """Lift a ban: the person may ask to join (or join) again under the group's join policy."""
    membership = (
        GroupMembership.objects.select_for_update()
        .filter(group=group, user=user, status=GroupMembership.Status.BANNED)
        .first()
    )
    if membership is None:
        raise ValidationError(NOT_BANNED)
    membership.delete()
    _log(group=group, action=ModerationLog.Action.UNBAN, actor=moderator, target_user=user)


@transaction.atomic
def join_request_record(*, group: Group, user, approved: bool, moderator) -> ModerationLog:
    """Audit a moderator's answer to a request to join the group (the answer itself is groups')."""
    return _log(
        group=group,
        action=ModerationLog.Action.JOIN_APPROVE if approved else ModerationLog.Action.JOIN_DECLINE,
        actor=moderator,
        target_user=user,
    )


@transaction.atomic
def watched_word_add(*, phrase: str, staff) -> WatchedWord:
    """Staff add a word or phrase that holds any post containing it for review."""
    phrase = " ".join(phrase.split()).lower()
    if len(phrase) < 3:
        raise ValidationError(WATCHED_WORD_TOO_SHORT)
    if WatchedWord.objects.filter(phrase__iexact=phrase).exists():
        raise ValidationError(WATCHED_WORD_EXISTS)
    word = WatchedWord(phrase=phrase, created_by=staff)
    word.full_clean()
    word.save()
    _log(group=None, action=ModerationLog.Action.WORD_ADD, actor=staff, reason=phrase)
    return word


@transaction.atomic
def watched_word_remove(*, word: WatchedWord, staff) -> None:
    """Staff stop watching a word."""
    _log(group=None, action=ModerationLog.Action.WORD_REMOVE, actor=staff, reason=word.phrase)
    word.delete()
