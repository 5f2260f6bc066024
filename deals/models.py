"""Deal registration: a partner company tells the vendor about a customer opportunity and, once
the program approves it, holds that customer for a protection period."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from collaboration.models import Collaboration, FindPartnerRequest, Referral
from deals.customers import customer_host, customer_name_key, registrable_domain
from directory.models import Company, Competency
from groups.models import Thread


class DealStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")
    EXPIRED = "expired", _("Expired")


# Statuses that hold (or ask to hold) a customer: the ones a new submission conflicts with.
ACTIVE_STATUSES = (DealStatus.SUBMITTED, DealStatus.APPROVED)


class DealRegistrationQuerySet(models.QuerySet["DealRegistration"]):
    def active(self, *, now=None) -> DealRegistrationQuerySet:
        """Submitted, or approved and still protected: what a new submission conflicts with."""
        now = now or timezone.now()
        return self.filter(
            Q(status=DealStatus.SUBMITTED) | Q(status=DealStatus.APPROVED, protected_until__gt=now)
        )

    def sourced(self) -> DealRegistrationQuerySet:
        """Created from a community item (docs/attribution.md, "Sourced")."""
        return self.filter(
            Q(source_thread__isnull=False)
            | Q(source_request__isnull=False)
            | Q(source_collaboration__isnull=False)
            | Q(source_referral__isnull=False)
        )


class DealRegistration(models.Model):
    """One customer opportunity a partner company registers with the vendor."""

    Status = DealStatus

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="deal_registrations"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    customer_name = models.CharField(max_length=200)
    customer_name_key = models.CharField(
        max_length=200,
        editable=False,
        help_text="customer_name without case, accents, "
        "punctuation and legal suffixes (deals.customers.customer_name_key).",
    )
    customer_domain = models.CharField(
        max_length=253, help_text="The customer's web domain as a host name, e.g. sales.acme.co.uk."
    )
    customer_registrable_domain = models.CharField(
        max_length=253, editable=False, help_text="e.g. acme.co.uk (Public Suffix List)."
    )
    country = CountryField()
    competencies = models.ManyToManyField(Competency, related_name="deal_registrations", blank=True)
    value = models.DecimalField(max_digits=14, decimal_places=2)
    currency = models.CharField(
        max_length=3,
        default="USD",
        validators=[RegexValidator(r"^[A-Z]{3}$", "Use a three-letter currency code.")],
    )
    expected_close_date = models.DateField(null=True, blank=True)
    description = models.TextField(blank=True, max_length=5000)

    status = models.CharField(max_length=10, choices=DealStatus.choices, default=DealStatus.DRAFT)
    rejection_reason = models.TextField(blank=True, max_length=2000)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    protected_until = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    # Sourced: the community item it came from (docs/attribution.md). Kept through edits.
    source_thread = models.ForeignKey(
        Thread, null=True, blank=True, on_delete=models.SET_NULL, related_name="deal_registrations"
    )
    source_request = models.ForeignKey(
        FindPartnerRequest,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deal_registrations",
    )
    source_collaboration = models.ForeignKey(
        Collaboration,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deal_registrations",
    )
    source_referral = models.ForeignKey(
        Referral,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deal_registrations",
    )
    # Influenced: decided once, at submit, by the rule in docs/attribution.md; the evidence names
    # the activity that counted ("reply:123", "collaboration:7", "response:45") for a hand check.
    is_influenced = models.BooleanField(default=False)
    influence_evidence = models.CharField(max_length=100, blank=True)
    # Set at submit when an active registration of another company names the same customer.
    has_conflict = models.BooleanField(default=False)
    # When program staff were told of the submission (the hourly digest; each once).
    staff_notified_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DealRegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["company", "-created_at"], name="deal_company_idx"),
            # The conflict check at submit: two index probes on the active rows only.
            models.Index(
                fields=["customer_registrable_domain"],
                name="deal_active_domain_idx",
                condition=Q(status__in=["submitted", "approved"]),
            ),
            models.Index(
                fields=["customer_name_key"],
                name="deal_active_name_idx",
                condition=Q(status__in=["submitted", "approved"]),
            ),
            # The staff review queue, oldest first.
            models.Index(
                fields=["submitted_at"],
                name="deal_pending_idx",
                condition=Q(status="submitted"),
            ),
            # The analytics rollup rebuilds a few days at a time (after each decision, every ten
            # minutes): each of its reads takes the registrations dated in those days.
            models.Index(fields=["submitted_at"], name="deal_submitted_at_idx"),
            models.Index(fields=["approved_at"], name="deal_approved_at_idx"),
            models.Index(fields=["closed_at"], name="deal_closed_at_idx"),
            # The expiry flip and the reminders.
            models.Index(
                fields=["protected_until"],
                name="deal_protected_idx",
                condition=Q(status="approved"),
            ),
        ]
        constraints = [
            # At most one approved registration per customer. An approved registration whose
            # protection has run out is flipped to expired by deals.tasks.deals_expire.
            models.UniqueConstraint(
                fields=["customer_registrable_domain"],
                condition=Q(status="approved"),
                name="one_approved_registration_per_customer_domain",
                violation_error_message=(
                    "Another registration for this customer is already approved."
                ),
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="deal_value_not_negative"),
            models.CheckConstraint(
                condition=Q(status="draft") | ~Q(customer_registrable_domain=""),
                name="submitted_deal_has_registrable_domain",
            ),
            models.CheckConstraint(
                condition=~Q(status="approved")
                | Q(protected_until__isnull=False, approved_at__isnull=False),
                name="approved_deal_has_protection",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(rejection_reason=""),
                name="rejected_deal_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["won", "lost"]) | Q(closed_at__isnull=False),
                name="closed_deal_has_closed_at",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer_name} ({self.get_status_display()})"

    def save(self, *args, **kwargs) -> None:
        # The keys always follow what was typed, whoever saves.
        self.customer_domain = customer_host(self.customer_domain) or self.customer_domain
        self.customer_name_key = customer_name_key(self.customer_name)
        self.customer_registrable_domain = registrable_domain(self.customer_domain)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and (
            {"customer_name", "customer_domain"} & set(update_fields)
        ):
            kwargs["update_fields"] = {
                *update_fields,
                "customer_name_key",
                "customer_registrable_domain",
            }
        super().save(*args, **kwargs)

    @property
    def is_sourced(self) -> bool:
        return bool(
            self.source_thread_id
            or self.source_request_id
            or self.source_collaboration_id
            or self.source_referral_id
        )

    @property
    def is_protected(self) -> bool:
        return (
            self.status == DealStatus.APPROVED
            and self.protected_until is not None
            and self.protected_until > timezone.now()
        )


class DealRegistrationEvent(models.Model):
    """Audit row: who moved a registration from one status to another, when, and why."""

    class Kind(models.TextChoices):
        STATUS = "status", _("Status change")
        EDIT = "edit", _("Edited")
        EXTEND = "extend", _("Protection extended")

    registration = models.ForeignKey(
        DealRegistration, on_delete=models.CASCADE, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Empty when the portal itself acted (expiry).",
    )
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.STATUS)
    from_status = models.CharField(max_length=10, choices=DealStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=DealStatus.choices)
    reason = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["registration", "created_at"], name="deal_event_idx")]

    def __str__(self) -> str:
        return f"{self.registration_id}: {self.from_status or 'new'} → {self.to_status}"


class DealReminder(models.Model):
    """The guard that each expiry reminder goes once per protection end date."""

    class Kind(models.TextChoices):
        DAYS_14 = "14d", _("14 days before expiry")
        DAYS_3 = "3d", _("3 days before expiry")

    registration = models.ForeignKey(
        DealRegistration, on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(max_length=3, choices=Kind.choices)
    # An extension moves the end date, and the reminders for the new date go once more.
    protected_until = models.DateTimeField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "kind", "protected_until"],
                name="one_deal_reminder_per_kind_and_expiry",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.registration_id} reminder {self.kind}"
