"""Find-a-partner requests, private collaboration threads between two companies, and referrals."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField

from directory.models import Company, Competency, Industry, SizeBand
from groups.models import Thread


class FindPartnerRequest(models.Model):
    """The structured part of a find-a-partner thread: what the author's company needs."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("request status", "Open")
        CLOSED = "closed", pgettext_lazy("request status", "Closed")

    thread = models.OneToOneField(Thread, on_delete=models.CASCADE, related_name="partner_request")
    company = models.ForeignKey(
        Company,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="partner_requests",
        help_text="The company asking.",
    )
    competencies = models.ManyToManyField(Competency, related_name="partner_requests")
    countries = CountryField(multiple=True, blank=True)
    deadline = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    awarded_to = models.ForeignKey(
        Company,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="won_requests",
        help_text="Who the request went to when it closed.",
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["-created_at"], name="open_request_idx", condition=Q(status="open")
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open") | Q(closed_at__isnull=False),
                name="closed_request_has_closed_at",
            ),
        ]

    def __str__(self) -> str:
        return f"Request: {self.thread.title}"


class Collaboration(models.Model):
    """A private thread between two companies, visible only to their people and to staff."""

    request = models.ForeignKey(
        FindPartnerRequest,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="collaborations",
    )
    requesting_company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="collaborations_requested"
    )
    responding_company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="collaborations_responded"
    )
    subject = models.CharField(max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="collaborations",
        blank=True,
        help_text="People brought in to follow the conversation (each from one of the companies).",
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_activity_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-last_activity_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(requesting_company=models.F("responding_company")),
                name="collaboration_between_two_companies",
            ),
            models.UniqueConstraint(
                fields=["request", "responding_company"],
                condition=Q(request__isnull=False),
                name="one_collaboration_per_request_and_company",
            ),
        ]

    def __str__(self) -> str:
        return self.subject


class CollaborationMessage(models.Model):
    """A message in a private collaboration thread."""

    collaboration = models.ForeignKey(
        Collaboration, on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body_markdown = models.TextField(max_length=20000)
    body_html = models.TextField(editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Message {self.pk} in {self.collaboration_id}"


class ValueRange(models.TextChoices):
    """What a receiving company learns of a referral's value before it accepts: a band."""

    NOT_GIVEN = "not-given", _("Not given")
    UNDER_10K = "lt-10k", _("Under 10,000")
    FROM_10K = "10k-50k", _("10,000 – 50,000")
    FROM_50K = "50k-250k", _("50,000 – 250,000")
    FROM_250K = "250k-1m", _("250,000 – 1,000,000")
    OVER_1M = "gt-1m", _("Over 1,000,000")

    @classmethod
    def for_value(cls, value: Decimal | None) -> ValueRange:
        """The band a value falls in (its currency aside)."""
        if value is None:
            return cls.NOT_GIVEN
        for upper, band in VALUE_RANGE_UPPER_BOUNDS:
            if value < upper:
                return band
        return cls.OVER_1M


VALUE_RANGE_UPPER_BOUNDS = [
    (Decimal(10_000), ValueRange.UNDER_10K),
    (Decimal(50_000), ValueRange.FROM_10K),
    (Decimal(250_000), ValueRange.FROM_50K),
    (Decimal(1_000_000), ValueRange.FROM_250K),
]


class ReferralQuerySet(models.QuerySet):
    def customer_revealed(self) -> ReferralQuerySet:
        """Referrals whose receiving company has accepted them, so may see the customer."""
        return self.filter(Referral.customer_revealed_q())


class Referral(models.Model):
    """A referral from one company to another, traced to the community activity it came from.

    Until the receiving company accepts, it sees only the redacted invitation (use case,
    industry, country, size band, value range); the customer's name and contact are the
    referring company's until then (``collaboration.selectors.referrals`` decides).
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WON = "won", _("Won")
        LOST = "lost", _("Lost")

    from_company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="referrals_sent"
    )
    to_company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="referrals_received"
    )
    # Before the redacted invitations, this named "the customer or opportunity": it may hold a
    # customer's name, so the receiving company sees it only once it accepts.
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, default="USD")
    # What the receiving company sees before it accepts.
    use_case = models.CharField(
        max_length=300, blank=True, help_text="The need, without naming the customer."
    )
    industry = models.ForeignKey(
        Industry, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    country = CountryField(blank=True)
    size_band = models.CharField(
        "customer size", max_length=12, choices=SizeBand.choices, blank=True
    )
    value_range = models.CharField(
        max_length=10, choices=ValueRange.choices, default=ValueRange.NOT_GIVEN
    )
    # What it sees once it accepts.
    customer_name = models.CharField(max_length=200, blank=True)
    customer_contact_name = models.CharField(max_length=200, blank=True)
    customer_contact_email = models.EmailField(blank=True)
    customer_contact_phone = models.CharField(max_length=40, blank=True)
    decline_reason = models.TextField(blank=True)
    responded_at = models.DateTimeField(
        null=True, blank=True, help_text="When the receiving company accepted or declined."
    )
    # Follow-up of an unanswered invitation: due times fixed at creation (business days), and
    # the "done" marks set by one conditional UPDATE each, so a reminder and an escalation
    # happen exactly once however often (or concurrently) the beat task runs.
    reminder_due_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalation_due_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    request = models.ForeignKey(
        FindPartnerRequest,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="referrals",
    )
    collaboration = models.ForeignKey(
        Collaboration, null=True, blank=True, on_delete=models.SET_NULL, related_name="referrals"
    )
    thread = models.ForeignKey(
        Thread, null=True, blank=True, on_delete=models.SET_NULL, related_name="referrals"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_company=models.F("to_company")), name="referral_two_companies"
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=0), name="referral_value_positive"
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""),
                name="referral_decline_has_reason",
            ),
        ]
        indexes = [
            models.Index(
                fields=["reminder_due_at"],
                condition=Q(status="proposed", reminded_at__isnull=True),
                name="referral_reminder_due",
            ),
            models.Index(
                fields=["escalation_due_at"],
                condition=Q(status="proposed", escalated_at__isnull=True),
                name="referral_escalation_due",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @staticmethod
    def customer_revealed_q() -> Q:
        """Accepted (and then maybe won or lost): a proposal withdrawn by the referring company
        becomes lost without a response, and stays redacted."""
        return Q(status__in=["accepted", "won"]) | Q(status="lost", responded_at__isnull=False)

    @property
    def customer_revealed(self) -> bool:
        """Whether the receiving company has accepted, so may see the customer."""
        return self.status in (self.Status.ACCEPTED, self.Status.WON) or (
            self.status == self.Status.LOST and self.responded_at is not None
        )


class MatchNotification(models.Model):
    """A company admin was told about a request their company fits; the guard against twice."""

    request = models.ForeignKey(
        FindPartnerRequest, on_delete=models.CASCADE, related_name="match_notifications"
    )
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["request", "recipient"], name="one_match_notification_per_recipient"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id} told about request {self.request_id}"


class ReferralEvent(models.Model):
    """Audit row: who moved a referral from one status to another, when, and why."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_status = models.CharField(max_length=10, choices=Referral.Status.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=Referral.Status.choices)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.referral_id}: {self.from_status or 'new'} → {self.to_status}"
