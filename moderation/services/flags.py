"""Members flag posts; flagged posts enter the queue once and hide after enough flags."""

from django.core.exceptions import ValidationError
from django.db import transaction

from groups.models import Flag, PostStatus
from groups.services import post_unpublish
from moderation import reasons as why
from moderation.models import ModerationItem, ModerationLog
from moderation.services._common import (
    FLAG_ALREADY_SENT,
    FLAG_HIDE_THRESHOLD,
    FLAG_OWN_POST,
    Post,
    _group_of,
    _log,
    _waiting_item,
    post_kind,
)


@transaction.atomic
def post_flag(*, post: Post, reporter, reason: str, note: str = "") -> Flag:
    """A member reports a post: one flag each; the post enters the queue once, and is hidden
    pending review when FLAG_HIDE_THRESHOLD members have flagged it."""
    if post.author_id == reporter.pk:
        raise ValidationError(FLAG_OWN_POST)
    kind = post_kind(post)
    post = (
        type(post).objects.select_for_update(of=("self",)).select_related("author").get(pk=post.pk)
    )
    if Flag.objects.filter(**{kind: post}, reporter=reporter).exists():
        raise ValidationError(FLAG_ALREADY_SENT)
    flag = Flag(**{kind: post}, reporter=reporter, reason=reason, note=note.strip())
    flag.full_clean()
    flag.save()

    group = _group_of(post)
    # Only flags since the last decision count: an approved post must collect the threshold
    # anew before it is hidden again.
    last_decided_at = (
        ModerationItem.objects.filter(
            **{kind: post},
            status__in=[ModerationItem.Status.APPROVED, ModerationItem.Status.REJECTED],
            decided_at__isnull=False,
        )
        .order_by("-decided_at")
        .values_list("decided_at", flat=True)
        .first()
    )
    flags = Flag.objects.filter(**{kind: post})
    if last_decided_at is not None:
        flags = flags.filter(created_at__gt=last_decided_at)
    flag_count = flags.count()
    flagged_as = why.flagged_as(flag.reason)
    item = _waiting_item(post)
    if item is None:
        item = ModerationItem.objects.create(
            group=group, **{kind: post}, source=ModerationItem.Source.FLAGS, reasons=[]
        )
    item.flag_count = flag_count
    if flagged_as not in item.reasons:
        item.reasons = [*item.reasons, flagged_as]
    item.save(update_fields=["flag_count", "reasons"])

    if flag_count >= FLAG_HIDE_THRESHOLD and post.status == PostStatus.PUBLISHED:
        post_unpublish(post=post, status=PostStatus.PENDING)
        _log(
            group=group,
            action=ModerationLog.Action.HIDE,
            item=item,
            post=post,
            target_user=post.author,
            reason=why.reasons_for_the_log([why.reason(why.HIDDEN_BY_FLAGS, count=flag_count)]),
        )
    return flag
