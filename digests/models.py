"""Digest preferences and the record of every digest, one per member and period."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Frequency(models.TextChoices):
    WEEKLY = "weekly", "Weekly (Monday morning)"
    DAILY = "daily", "Daily (every morning)"
    OFF = "off", "Off — send me no digest"


class DigestPreference(models.Model):
    """How often a member wants a digest. Created on first change: no row means weekly."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_preference"
    )
    frequency = models.CharField(max_length=8, choices=Frequency.choices, default=Frequency.WEEKLY)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.member}: {self.get_frequency_display()}"


class DigestSent(models.Model):
    """One member's digest for one period: the unique row is the guard that makes it once-only.

    The row is written in the same transaction that hands the message to the mail server, so a
    retried task, a second run or a crashed worker finds it and sends nothing more.
    """

    class Status(models.TextChoices):
        SENT = "sent", "Sent"
        EMPTY = "empty", "Nothing to send"
        FAILED = "failed", "Refused by the mail server"

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digests_sent"
    )
    period_key = models.CharField(
        max_length=16, help_text="'2026-W48' for a weekly digest, '2026-11-24' for a daily one."
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.SENT)
    item_count = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["member", "period_key"], name="one_digest_per_member_and_period"
            ),
        ]
        indexes = [
            models.Index(
                fields=["member", "-created_at"],
                name="digest_last_sent_idx",
                condition=models.Q(status="sent"),
            ),
        ]

    def __str__(self) -> str:
        return f"Digest {self.period_key} for {self.member_id} ({self.status})"
