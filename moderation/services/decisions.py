"""Queue decisions (approve, reject, escalate) and the trust they earn or cost."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from groups.models import PostStatus, Reply, Thread
from groups.services import post_publish, post_unpublish
from moderation.models import WAITING, MemberTrust, ModerationItem, ModerationLog
from moderation.services._common import (
    EDITED_SINCE_QUEUED,
    ITEM_ALREADY_DECIDED,
    REJECT_REASON_REQUIRED,
    Post,
    _log,
)


def trust_record_approval(*, user) -> None:
    """An approved post raises the author's trust."""
    trust, _ = MemberTrust.objects.get_or_create(user=user)
    MemberTrust.objects.filter(pk=trust.pk).update(approved_posts=F("approved_posts") + 1)


def trust_record_rejection(*, user, at) -> None:
    """A rejected post lowers the author's trust and restarts the cooling-off period."""
    trust, _ = MemberTrust.objects.get_or_create(user=user)
    MemberTrust.objects.filter(pk=trust.pk).update(
        rejected_posts=F("rejected_posts") + 1, last_rejected_at=at
    )


def _lock_waiting(item: ModerationItem) -> ModerationItem:
    item = ModerationItem.objects.select_for_update().get(pk=item.pk)
    if item.status not in WAITING:
        raise ValidationError(ITEM_ALREADY_DECIDED)
    return item


def _post_for_update(item: ModerationItem) -> Post:
    model = Thread if item.thread_id else Reply
    return (
        model.objects.select_for_update(of=("self",))
        .select_related("author")
        .get(pk=item.thread_id or item.reply_id)
    )


@transaction.atomic
def item_approve(*, item: ModerationItem, moderator) -> ModerationItem:
    """Approve an item: its post appears at once (or stays up), and the author earns trust."""
    item = _lock_waiting(item)
    post = _post_for_update(item)
    if post.edited_at is not None and post.edited_at > item.created_at:
        raise ValidationError(EDITED_SINCE_QUEUED)
    if post.status == PostStatus.PENDING:
        post_publish(post=post)
    now = timezone.now()
    item.status = ModerationItem.Status.APPROVED
    item.decided_at, item.decided_by = now, moderator
    item.save(update_fields=["status", "decided_at", "decided_by"])
    trust_record_approval(user=post.author)
    _log(
        group=item.group,
        action=ModerationLog.Action.APPROVE,
        actor=moderator,
        item=item,
        post=post,
        target_user=post.author,
    )
    return item


@transaction.atomic
def item_reject(*, item: ModerationItem, moderator, reason: str) -> ModerationItem:
    """Reject an item: its post is never shown, the author sees the reason, trust drops."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(REJECT_REASON_REQUIRED)
    item = _lock_waiting(item)
    post = _post_for_update(item)
    post_unpublish(post=post, status=PostStatus.REJECTED, reason=reason[:300])
    now = timezone.now()
    item.status = ModerationItem.Status.REJECTED
    item.decided_at, item.decided_by = now, moderator
    item.save(update_fields=["status", "decided_at", "decided_by"])
    trust_record_rejection(user=post.author, at=now)
    _log(
        group=item.group,
        action=ModerationLog.Action.REJECT,
        actor=moderator,
        item=item,
        post=post,
        target_user=post.author,
        reason=reason,
    )
    return item


@transaction.atomic
def item_escalate(*, item: ModerationItem, actor=None, reason: str = "") -> ModerationItem:
    """Hand an item to program staff; `actor` is empty when it escalated by waiting too long."""
    item = _lock_waiting(item)
    if item.status == ModerationItem.Status.ESCALATED:
        return item
    item.status = ModerationItem.Status.ESCALATED
    item.escalated_at = timezone.now()
    item.save(update_fields=["status", "escalated_at"])
    _log(
        group=item.group,
        action=ModerationLog.Action.ESCALATE,
        actor=actor,
        item=item,
        post=item.post,
        target_user=item.post.author,
        reason=reason,
    )
    return item


@transaction.atomic
def items_decide(*, items: list[ModerationItem], moderator, action: str, reason: str = "") -> int:
    """Approve or reject several items at once, all or nothing; returns how many were decided."""
    if action == "reject" and not reason.strip():
        raise ValidationError(REJECT_REASON_REQUIRED)
    for item in items:
        if action == "approve":
            item_approve(item=item, moderator=moderator)
        else:
            item_reject(item=item, moderator=moderator, reason=reason)
    return len(items)
