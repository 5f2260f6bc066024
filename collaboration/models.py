"""Find-a-partner requests, private collaboration threads between two companies, and referrals."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_countries.fields import CountryField

from directory.models import Company, Competency
from groups.models import Thread


class FindPartnerRequest(models.Model):
    """The structured part of a find-a-partner thread: what the author's company needs."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

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


class Referral(models.Model):
    """A referral or deal registration, traced to the community activity it came from."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        ACCEPTED = "accepted", "Accepted"
        WON = "won", "Won"
        LOST = "lost", "Lost"

    from_company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="referrals_sent"
    )
    to_company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="referrals_received"
    )
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, default="USD")
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

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_company=models.F("to_company")), name="referral_two_companies"
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=0), name="referral_value_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.title


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
    """Audit row: who moved a referral from one status to another, and when."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_status = models.CharField(max_length=10, choices=Referral.Status.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=Referral.Status.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.referral_id}: {self.from_status or 'new'} → {self.to_status}"
