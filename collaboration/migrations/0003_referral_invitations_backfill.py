"""Existing referrals get the invitation fields' values: the value band from the exact value,
when the receiving company answered (from the audit rows), and when an unanswered one is due a
reminder and an escalation (business days after it was made, as new ones are).

Nothing is guessed about the customer: a referral made before this has an empty use case, and
its title (which may name the customer) stays hidden from the receiving company until it accepts.
"""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import migrations
from django.utils import timezone

BOUNDS = [
    (Decimal(10_000), "lt-10k"),
    (Decimal(50_000), "10k-50k"),
    (Decimal(250_000), "50k-250k"),
    (Decimal(1_000_000), "250k-1m"),
]


def value_range(value):
    if value is None:
        return "not-given"
    for upper, band in BOUNDS:
        if value < upper:
            return band
    return "gt-1m"


def add_business_days(start, days):
    # As collaboration.business_days at the time of writing, frozen here.
    local = timezone.localtime(start, timezone.get_default_timezone())
    counted = 0
    while counted < days:
        local += timedelta(days=1)
        if local.weekday() < 5:
            counted += 1
    return local


def backfill(apps, schema_editor):
    Referral = apps.get_model("collaboration", "Referral")
    ReferralEvent = apps.get_model("collaboration", "ReferralEvent")
    answered = dict(
        ReferralEvent.objects.filter(from_status="proposed", to_status="accepted")
        .order_by("created_at")
        .values_list("referral_id", "created_at")
    )
    remind = getattr(settings, "REFERRAL_REMIND_AFTER_BUSINESS_DAYS", 3)
    escalate = getattr(settings, "REFERRAL_ESCALATE_AFTER_BUSINESS_DAYS", 7)
    batch = []
    for referral in Referral.objects.only("pk", "value", "created_at", "status").iterator():
        referral.value_range = value_range(referral.value)
        referral.responded_at = answered.get(referral.pk)
        referral.reminder_due_at = add_business_days(referral.created_at, remind)
        referral.escalation_due_at = add_business_days(referral.created_at, escalate)
        batch.append(referral)
        if len(batch) >= 1000:
            Referral.objects.bulk_update(
                batch, ["value_range", "responded_at", "reminder_due_at", "escalation_due_at"]
            )
            batch = []
    if batch:
        Referral.objects.bulk_update(
            batch, ["value_range", "responded_at", "reminder_due_at", "escalation_due_at"]
        )


class Migration(migrations.Migration):
    dependencies = [("collaboration", "0002_referral_invitations")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
