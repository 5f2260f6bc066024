"""Screening pipeline: a new post is saved pending, then published or held."""

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from groups.models import Group, PostStatus, Reply, Thread
from groups.selectors import can_moderate_group
from groups.services import post_publish
from moderation import reasons as why
from moderation.models import WAITING, ModerationItem, ModerationLog
from moderation.screening import post_score
from moderation.selectors import member_is_trusted
from moderation.services._common import (
    EDITED_WHILE_WAITING,
    POLICY_HOLDS_ALL,
    POLICY_HOLDS_NEW_MEMBERS,
    Post,
    _group_of,
    _log,
    _waiting_item,
    post_kind,
)
from portal.queueing import enqueue_on_commit

logger = logging.getLogger(__name__)


def post_submit(*, post: Post) -> None:
    """Queue screening of a just-saved (pending) post once the transaction commits.

    The post is saved first and waits as pending: if the broker is down, nothing is lost and
    the periodic `screen_waiting_posts` task picks it up when the broker is back.
    """
    from moderation.tasks import screen_post as screen_post_task

    enqueue_on_commit(
        screen_post_task,
        if_broker_down="the post waits, held, for the periodic sweep",
        kind=post_kind(post),
        post_id=post.pk,
    )


@transaction.atomic
def post_resubmit(*, post: Post) -> None:
    """Send a just-edited (pending) post back through review: screening decides afresh, or, if
    it already waits in the queue, a fresh item replaces the old one so that no decision taken
    on the earlier text applies to the new one."""
    old = _waiting_item(post)
    if old is None:
        post_submit(post=post)
        return
    now = timezone.now()
    old.status = ModerationItem.Status.SUPERSEDED
    old.decided_at = now
    old.save(update_fields=["status", "decided_at"])
    reasons = [EDITED_WHILE_WAITING, *(r for r in old.reasons if r != EDITED_WHILE_WAITING)]
    item = ModerationItem.objects.create(
        group=old.group,
        **{post_kind(post): post},
        source=old.source,
        reasons=reasons,
        score=old.score,
        flag_count=old.flag_count,
        status=_still_waiting_status(old),
        escalated_at=old.escalated_at,
        created_at=now,
    )
    _log(
        group=old.group,
        action=ModerationLog.Action.AUTO_HOLD,
        item=item,
        post=post,
        target_user=post.author,
        reason=why.reasons_for_the_log([EDITED_WHILE_WAITING]),
    )


def _still_waiting_status(old: ModerationItem) -> str:
    return ModerationItem.Status.ESCALATED if old.escalated_at else ModerationItem.Status.OPEN


def _policy_hold_reason(*, post: Post, group: Group) -> why.Reason | None:
    author = post.author
    if can_moderate_group(user=author, group=group):
        return None
    policy = group.moderation_policy
    if policy == Group.ModerationPolicy.PREMODERATE_ALL:
        return POLICY_HOLDS_ALL
    if policy == Group.ModerationPolicy.PREMODERATE_NEW and not member_is_trusted(user=author):
        return POLICY_HOLDS_NEW_MEMBERS
    return None


@transaction.atomic
def post_screen(*, post: Post) -> ModerationItem | None:
    """Screen a pending post: publish it, or hold it in the queue with reasons and score.

    Idempotent: a post that is no longer pending, or already waits in the queue, is left alone.
    """
    model = type(post)
    post = model.objects.select_for_update().get(pk=post.pk)
    if post.status != PostStatus.PENDING or _waiting_item(post) is not None:
        return None

    group = _group_of(post)
    screening = post_score(post=post)
    policy_reason = _policy_hold_reason(post=post, group=group)
    if not screening.hold and policy_reason is None:
        post_publish(post=post)
        _log(
            group=group,
            action=ModerationLog.Action.AUTO_PUBLISH,
            post=post,
            target_user=post.author,
        )
        return None

    reasons = ([policy_reason] if policy_reason else []) + screening.reasons
    item = ModerationItem.objects.create(
        group=group,
        **{post_kind(post): post},
        reasons=reasons,
        score=round(screening.score, 2),
        source=ModerationItem.Source.SCREENING if screening.hold else ModerationItem.Source.POLICY,
    )
    _log(
        group=group,
        action=ModerationLog.Action.AUTO_HOLD,
        item=item,
        post=post,
        target_user=post.author,
        reason=why.reasons_for_the_log(reasons),
    )
    return item


def posts_waiting_for_screening(*, older_than_seconds: int = 120) -> list[tuple[str, int]]:
    """Pending posts that never reached the screening task (e.g. the broker was down)."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    waiting: list[tuple[str, int]] = []
    for model, kind in ((Thread, "thread"), (Reply, "reply")):
        ids = (
            model.objects.filter(status=PostStatus.PENDING, created_at__lte=cutoff)
            .exclude(moderation_items__status__in=WAITING)
            .values_list("pk", flat=True)
        )
        waiting.extend((kind, pk) for pk in ids)
    return waiting
