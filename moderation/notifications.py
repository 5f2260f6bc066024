"""Services that tell people about the queue: hourly batched emails to moderators, and
escalation to program staff of items that waited too long."""

import logging
from collections import defaultdict
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail, send_mass_mail
from django.db import transaction
from django.db.models import Count, Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from groups.models import GroupMembership
from moderation.models import ModerationItem, ModeratorNotification
from moderation.services import ESCALATED_FOR_AGE, item_escalate
from portal.emails import absolute_url, email_subject

logger = logging.getLogger(__name__)

NOTIFY_AT_MOST_EVERY = timedelta(hours=1)
QUEUE_SUBJECT = "{count} post(s) wait in your moderation queue"
ESCALATION_SUBJECT = "{count} moderation item(s) escalated to program staff"


def escalate_after() -> timedelta:
    """How long an item may wait for a moderator before it goes to staff."""
    return getattr(settings, "MODERATION_ESCALATE_AFTER", timedelta(hours=24))


def _queue_url() -> str:
    return absolute_url(reverse("moderation:queue"))


def moderators_notify(*, now: datetime | None = None) -> int:
    """Email each moderator whose queue has items new since their last email, at most hourly.

    The ModeratorNotification row is written before the email leaves, so a retried task never
    sends twice within the hour. Returns how many moderators were emailed.
    """
    now = now or timezone.now()
    waiting = {
        row["group"]: row
        for row in ModerationItem.objects.filter(status=ModerationItem.Status.OPEN)
        .values("group")
        .annotate(count=Count("pk"), newest=Max("created_at"))
    }
    if not waiting:
        return 0
    per_moderator: dict[int, dict] = defaultdict(lambda: {"count": 0, "newest": None})
    memberships = GroupMembership.objects.filter(
        group__in=waiting.keys(),
        status=GroupMembership.Status.ACTIVE,
        role__in=[GroupMembership.Role.MODERATOR, GroupMembership.Role.OWNER],
        user__is_active=True,
    ).values_list("user", "group")
    for user_id, group_id in memberships:
        entry = per_moderator[user_id]
        entry["count"] += waiting[group_id]["count"]
        newest = waiting[group_id]["newest"]
        entry["newest"] = max(filter(None, [entry["newest"], newest]))
    last_sent = dict(
        ModeratorNotification.objects.filter(moderator__in=per_moderator.keys())
        .values("moderator")
        .annotate(last=Max("sent_at"))
        .values_list("moderator", "last")
    )
    due = [
        user_id
        for user_id, entry in per_moderator.items()
        if last_sent.get(user_id) is None
        or (
            last_sent[user_id] <= now - NOTIFY_AT_MOST_EVERY
            and entry["newest"] > last_sent[user_id]
        )
    ]
    users = get_user_model().objects.in_bulk(due)
    for user_id in due:
        count = per_moderator[user_id]["count"]
        ModeratorNotification.objects.create(moderator_id=user_id, sent_at=now, item_count=count)
        body = render_to_string(
            "moderation/email/queue.txt",
            {"user": users[user_id], "count": count, "queue_url": _queue_url()},
        )
        send_mail(
            email_subject(QUEUE_SUBJECT.format(count=count)),
            body,
            settings.DEFAULT_FROM_EMAIL,
            [users[user_id].email],
        )
    return len(due)


@transaction.atomic
def items_escalate_overdue(*, now: datetime | None = None) -> int:
    """Escalate items that waited longer than MODERATION_ESCALATE_AFTER and email staff once.

    The email is sent inside the transaction that escalates: if sending fails, the escalation
    rolls back, so the retried task finds the items still open and tells staff after all.
    """
    now = now or timezone.now()
    after = escalate_after()
    overdue = list(
        ModerationItem.objects.filter(
            status=ModerationItem.Status.OPEN, created_at__lte=now - after
        ).select_related("group", "thread", "reply")
    )
    reason = ESCALATED_FOR_AGE.format(hours=after.total_seconds() / 3600)
    for item in overdue:
        item_escalate(item=item, actor=None, reason=reason)
    if overdue:
        staff = list(
            get_user_model()
            .objects.filter(is_staff=True, is_active=True)
            .values_list("email", flat=True)
        )
        body = render_to_string(
            "moderation/email/escalated.txt",
            {"items": overdue, "reason": reason, "queue_url": _queue_url() + "?escalated=1"},
        )
        subject = email_subject(ESCALATION_SUBJECT.format(count=len(overdue)))
        send_mass_mail([(subject, body, settings.DEFAULT_FROM_EMAIL, [email]) for email in staff])
    return len(overdue)
