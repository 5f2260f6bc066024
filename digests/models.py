"""Digest preferences and the record of every digest, one per member and period."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Frequency(models.TextChoices):
    WEEKLY = "weekly", _("Weekly (Monday morning)")
    DAILY = "daily", _("Daily (every morning)")
    OFF = "off", _("Off — send me no digest")


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

    Before a message is handed to the mail server its row is committed as IN_FLIGHT, and it is
    marked SENT once the server has taken it. A worker killed in between (the server may or may
    not have the message) leaves the row IN_FLIGHT: a retried task, a redelivered batch, a second
    run or another worker finds the row and sends nothing, so a digest goes out at most once.
    ``send_digests`` reports such attempts and lets an operator give them up or resend them.
    """

    class Status(models.TextChoices):
        IN_FLIGHT = "in_flight", _("Handed to the mail server, outcome not yet recorded")
        SENT = "sent", _("Sent")
        EMPTY = "empty", _("Nothing to send")
        FAILED = "failed", _("Refused by the mail server")
        GIVEN_UP = "given_up", _("Left in flight by a stopped worker; given up, not resent")

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digests_sent"
    )
    period_key = models.CharField(
        max_length=16, help_text="'2026-W48' for a weekly digest, '2026-11-24' for a daily one."
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SENT)
    item_count = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(
        default=timezone.now, help_text="The moment of the run; the next digest starts here."
    )
    attempted_at = models.DateTimeField(
        null=True, blank=True, help_text="When the message was handed to the mail server."
    )

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
            models.Index(
                fields=["attempted_at"],
                name="digest_in_flight_idx",
                condition=models.Q(status="in_flight"),
            ),
        ]

    def __str__(self) -> str:
        return f"Digest {self.period_key} for {self.member_id} ({self.status})"
