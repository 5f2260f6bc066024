"""Expiry flips and reminders: beat tasks that may run any number of times."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from deals import services, tasks
from deals.models import DealRegistration, DealReminder, DealStatus
from tests.deals.factories import DealRegistrationFactory

pytestmark = pytest.mark.django_db


def approved(world, *, ends_in: timedelta, **fields):
    now = timezone.now()
    return DealRegistrationFactory(
        company=world.a,
        created_by=world.a_person,
        status=DealStatus.APPROVED,
        approved_at=now - timedelta(days=80),
        protected_until=now + ends_in,
        **fields,
    )


def test_both_jobs_are_on_the_beat_schedule():
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"deals.tasks.deals_expire", "deals.tasks.deals_remind"} <= scheduled


def test_expiry_flips_lapsed_approvals_once_and_tells_the_company(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    lapsed = approved(world, ends_in=-timedelta(minutes=1), customer_name="Gone Ltd")
    live = approved(world, ends_in=timedelta(days=5))
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.deals_expire.delay().get() == 1
        assert tasks.deals_expire.delay().get() == 0
    lapsed.refresh_from_db()
    live.refresh_from_db()
    assert lapsed.status == DealStatus.EXPIRED
    assert live.status == DealStatus.APPROVED
    event = lapsed.events.get()
    assert (event.actor, event.from_status, event.to_status) == (None, "approved", "expired")
    assert [mail.subject for mail in mailoutbox] == [
        f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}Deal registration expired: Gone Ltd"
    ]
    assert sorted(mailoutbox[0].to) == sorted([world.a_person.email, world.a_admin.email])


def test_each_reminder_goes_exactly_once(world, mailoutbox):
    in_ten_days = approved(world, ends_in=timedelta(days=10), customer_name="Ten")
    in_two_days = approved(world, ends_in=timedelta(days=2), customer_name="Two")
    approved(world, ends_in=timedelta(days=30), customer_name="Thirty")
    for _ in range(3):
        services.deals_remind()
    subjects = sorted(mail.subject.rsplit(": ", 1)[1] for mail in mailoutbox)
    assert len(mailoutbox) == 2
    assert sorted((row.registration_id, row.kind) for row in DealReminder.objects.all()) == sorted(
        [(in_ten_days.pk, "14d"), (in_two_days.pk, "3d")]
    )
    assert subjects == ["Ten", "Two"]


def test_the_three_day_reminder_follows_the_fourteen_day_one(world, mailoutbox):
    registration = approved(world, ends_in=timedelta(days=13))
    now = timezone.now()
    assert services.deals_remind(now=now) == 1
    assert services.deals_remind(now=now + timedelta(days=5)) == 0
    assert services.deals_remind(now=now + timedelta(days=10, hours=1)) == 1
    assert services.deals_remind(now=now + timedelta(days=11)) == 0
    assert sorted(registration.reminders.values_list("kind", flat=True)) == ["14d", "3d"]
    assert "Protection ends in 14 days" in mailoutbox[0].subject
    assert "Protection ends in 3 days" in mailoutbox[1].subject


def test_an_extension_earns_new_reminders_for_the_new_end(world, staff, mailoutbox):
    registration = approved(world, ends_in=timedelta(days=2))
    assert services.deals_remind() == 1
    services.deal_extend(registration=registration, staff=staff, days=12, reason="Delay")
    assert services.deals_remind() == 1  # 14 days before the new end
    assert services.deals_remind() == 0
    assert DealRegistration.objects.get(pk=registration.pk).reminders.count() == 2
