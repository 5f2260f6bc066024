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
from django.utils.translation import ngettext

from groups.models import GroupMembership
from moderation import reasons as why
from moderation.models import ModerationItem, ModeratorNotification
from moderation.services import item_escalate
from portal.emails import absolute_url, email_subject, in_language_of, recipient_language

logger = logging.getLogger(__name__)

NOTIFY_AT_MOST_EVERY = timedelta(hours=1)


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
        with in_language_of(users[user_id]):
            subject = ngettext(
                "%(count)s post waits in your moderation queue",
                "%(count)s posts wait in your moderation queue",
                count,
            ) % {"count": count}
            body = render_to_string(
                "moderation/email/queue.txt",
                {"user": users[user_id], "count": count, "queue_url": _queue_url()},
            )
        send_mail(email_subject(subject), body, settings.DEFAULT_FROM_EMAIL, [users[user_id].email])
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
    minutes = max(int(after.total_seconds() // 60), 1)
    reason = (
        why.reason(why.WAITED_TOO_LONG, hours=minutes // 60)
        if minutes % 60 == 0
        else why.reason(why.WAITED_TOO_LONG_MINUTES, minutes=minutes)
    )
    for item in overdue:
        item_escalate(item=item, actor=None, reason=why.reasons_for_the_log([reason]))
    if overdue:
        staff = (
            get_user_model().objects.filter(is_staff=True, is_active=True).only("email", "language")
        )
        # Written once per language, however many staff read it.
        written: dict[str, tuple[str, str]] = {}
        messages = []
        for person in staff:
            language = recipient_language(person)
            if language not in written:
                written[language] = _escalation_email(items=overdue, reason=reason, reader=person)
            subject, body = written[language]
            messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, [person.email]))
        send_mass_mail(messages)
    return len(overdue)


def _escalation_email(
    *, items: list[ModerationItem], reason: why.Reason, reader
) -> tuple[str, str]:
    with in_language_of(reader):
        subject = ngettext(
            "%(count)s moderation item escalated to program staff",
            "%(count)s moderation items escalated to program staff",
            len(items),
        ) % {"count": len(items)}
        body = render_to_string(
            "moderation/email/escalated.txt",
            {
                "items": items,
                "reason": why.reason_text(reason),
                "queue_url": _queue_url() + "?escalated=1",
            },
        )
    return email_subject(subject), body
