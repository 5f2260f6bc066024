"""Moderators hear about their queue at most hourly; items waiting too long go to staff."""

import smtplib
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from groups.models import PostStatus
from moderation.models import ModerationItem, ModerationLog, ModeratorNotification
from moderation.notifications import items_escalate_overdue, moderators_notify
from moderation.tasks import escalate_overdue_items, notify_moderators
from tests.groups.factories import ThreadFactory

pytestmark = pytest.mark.django_db

T0 = timezone.now().replace(microsecond=0)


def _item(group, at, **kwargs) -> ModerationItem:
    thread = ThreadFactory(group=group, status=PostStatus.PENDING, published_at=None, **kwargs)
    return ModerationItem.objects.create(
        group=group,
        thread=thread,
        source=ModerationItem.Source.POLICY,
        reasons=["Held"],
        created_at=at,
    )


def test_moderator_gets_one_email_for_several_waiting_items(group, moderator, mailoutbox):
    for minutes in (1, 2, 3):
        _item(group, T0 - timedelta(minutes=minutes))

    assert moderators_notify(now=T0) == 1

    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [moderator.email]
    assert mailoutbox[0].subject == "[Partner Portal] 3 posts wait in your moderation queue"
    assert "http://testserver/moderation/" in mailoutbox[0].body
    assert "\n--\nPartner Portal · http://testserver/" in mailoutbox[0].body
    assert ModeratorNotification.objects.get(moderator=moderator).item_count == 3


def test_no_second_email_within_the_hour_even_when_new_items_arrive(group, moderator, mailoutbox):
    _item(group, T0 - timedelta(minutes=5))
    moderators_notify(now=T0)
    _item(group, T0 + timedelta(minutes=10))

    assert moderators_notify(now=T0 + timedelta(minutes=30)) == 0
    assert moderators_notify(now=T0 + timedelta(minutes=59)) == 0
    assert len(mailoutbox) == 1

    assert moderators_notify(now=T0 + timedelta(minutes=61)) == 1
    assert len(mailoutbox) == 2
    assert mailoutbox[1].subject == "[Partner Portal] 2 posts wait in your moderation queue"


def test_no_reminder_when_nothing_new_arrived_since_the_last_email(group, moderator, mailoutbox):
    _item(group, T0 - timedelta(minutes=5))
    moderators_notify(now=T0)

    assert moderators_notify(now=T0 + timedelta(hours=3)) == 0
    assert len(mailoutbox) == 1


def test_no_email_when_the_queue_is_empty(group, moderator, mailoutbox):
    assert moderators_notify(now=T0) == 0
    assert mailoutbox == []


def test_moderators_of_other_groups_and_plain_members_get_nothing(
    group, other_moderator, veteran, mailoutbox
):
    _item(group, T0 - timedelta(minutes=5))

    moderators_notify(now=T0)

    assert mailoutbox == []


def test_the_beat_task_sends_the_emails(group, moderator, mailoutbox):
    _item(group, timezone.now() - timedelta(minutes=5))

    assert notify_moderators.delay().get() == 1
    assert notify_moderators.delay().get() == 0  # a retry or the next beat tick sends nothing
    assert len(mailoutbox) == 1


def test_item_waiting_longer_than_the_limit_escalates_to_staff(group, moderator, staff, mailoutbox):
    limit = settings.MODERATION_ESCALATE_AFTER
    old = _item(group, T0 - limit - timedelta(minutes=1), title="Waited too long")
    fresh = _item(group, T0 - limit + timedelta(minutes=1))

    assert items_escalate_overdue(now=T0) == 1

    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.status == ModerationItem.Status.ESCALATED
    assert fresh.status == ModerationItem.Status.OPEN
    log = ModerationLog.objects.get(action=ModerationLog.Action.ESCALATE)
    assert (log.actor, log.item) == (None, old)
    assert log.reason == "Waited longer than 24 hours for a decision."
    assert [m.to for m in mailoutbox] == [[staff.email]]
    assert "Waited too long" in mailoutbox[0].body


def test_escalation_happens_once(group, staff, mailoutbox):
    _item(group, T0 - timedelta(days=2))

    items_escalate_overdue(now=T0)
    assert items_escalate_overdue(now=T0 + timedelta(hours=1)) == 0

    assert len(mailoutbox) == 1
    assert ModerationLog.objects.filter(action=ModerationLog.Action.ESCALATE).count() == 1


def test_the_escalation_limit_is_a_setting(group, staff, settings):
    settings.MODERATION_ESCALATE_AFTER = timedelta(hours=2)
    item = _item(group, T0 - timedelta(hours=3))

    items_escalate_overdue(now=T0)

    item.refresh_from_db()
    assert item.status == ModerationItem.Status.ESCALATED


@pytest.mark.parametrize(
    ("limit", "said"),
    [
        (timedelta(minutes=90), "Waited longer than 90 minutes for a decision."),
        (timedelta(minutes=30), "Waited longer than 30 minutes for a decision."),
        (timedelta(hours=1), "Waited longer than 1 hour for a decision."),
    ],
)
def test_the_escalation_says_how_long_the_item_waited_as_set(
    group, staff, settings, mailoutbox, limit, said
):
    settings.MODERATION_ESCALATE_AFTER = limit
    _item(group, T0 - limit - timedelta(minutes=1))

    items_escalate_overdue(now=T0)

    assert ModerationLog.objects.get(action=ModerationLog.Action.ESCALATE).reason == said


def test_the_escalation_beat_task_runs_the_service(group, staff, mailoutbox):
    _item(group, timezone.now() - timedelta(days=3))

    assert escalate_overdue_items.delay().get() == 1


def test_both_jobs_are_on_the_beat_schedule():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert {
        "moderation.tasks.notify_moderators",
        "moderation.tasks.escalate_overdue_items",
        "moderation.tasks.screen_waiting_posts",
    } <= tasks


@pytest.fixture
def breaking_mail(settings):
    from tests.digests.backends import BreaksAfterBackend

    settings.EMAIL_BACKEND = "tests.digests.backends.BreaksAfterBackend"
    BreaksAfterBackend.allowed = 0
    BreaksAfterBackend.delivered = 0
    BreaksAfterBackend.opened = 0
    BreaksAfterBackend.error = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
    return BreaksAfterBackend


def test_when_the_staff_email_fails_a_retry_still_escalates_and_tells_staff(
    group, staff, breaking_mail, settings, mailoutbox
):
    item = _item(group, T0 - timedelta(days=3))

    with pytest.raises(smtplib.SMTPServerDisconnected):
        items_escalate_overdue(now=T0)

    item.refresh_from_db()
    assert item.status == ModerationItem.Status.OPEN  # rolled back with the failed email
    assert not ModerationLog.objects.filter(action=ModerationLog.Action.ESCALATE).exists()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert items_escalate_overdue(now=T0) == 1

    item.refresh_from_db()
    assert item.status == ModerationItem.Status.ESCALATED
    assert [m.to for m in mailoutbox] == [[staff.email]]
    assert mailoutbox[0].subject == (
        "[Partner Portal] 1 moderation item escalated to program staff"
    )
