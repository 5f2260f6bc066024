"""Partner scorecards: the rules staff edit, the nightly snapshots, and proposed tier changes.

The /analytics/ figures themselves are read from the domain tables (see ``selectors``); only
scorecards are stored, because a tier proposal must point at the figures it was made from.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from directory.models import Company, Competency, Tier
from groups.models import Group


def _points(default: str, help_text: str) -> models.DecimalField:
    return models.DecimalField(
        max_digits=8,
        decimal_places=2,
        default=Decimal(default),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=help_text,
    )


class ScorecardRules(models.Model):
    """The one set of scoring rules (row 1), edited by program staff on /analytics/rules/."""

    won_value_per_point = models.PositiveIntegerField(
        default=10000,
        validators=[MinValueValidator(1)],
        help_text="Won value (referrals and registrations, at face value) that earns one point.",
    )
    approved_registration = _points("5", "Points per approved deal registration.")
    verified_competency = _points("10", "Points per verified, unexpired competency.")
    review = _points("3", "Points per approved customer review.")
    accepted_answer = _points("4", "Points per accepted answer given by the company's people.")
    helpful_vote = _points("0.5", "Points per helpful vote on the company's posts.")
    fast_response = _points(
        "10", "Points when the median time to answer matching requests is within the target."
    )
    response_target_hours = models.PositiveIntegerField(
        default=48, validators=[MinValueValidator(1)]
    )
    window_days = models.PositiveIntegerField(
        default=365,
        validators=[MinValueValidator(1)],
        help_text="Activity in this many days before the computation counts.",
    )
    certified_points = models.PositiveIntegerField(
        default=40, help_text="Points a company needs for the Certified tier."
    )
    gold_points = models.PositiveIntegerField(
        default=120, help_text="Points a company needs for the Gold tier."
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name_plural = "scorecard rules"
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="one_set_of_scorecard_rules"),
            models.CheckConstraint(
                condition=Q(gold_points__gt=F("certified_points")),
                name="gold_needs_more_than_certified",
            ),
        ]

    def __str__(self) -> str:
        return "Scorecard rules"

    @classmethod
    def current(cls) -> ScorecardRules:
        """The rules in force (created with the defaults the first time)."""
        rules, _ = cls.objects.get_or_create(pk=1)
        return rules

    def tier_for(self, points: Decimal) -> str:
        """The tier these points earn."""
        if points >= self.gold_points:
            return Tier.GOLD
        if points >= self.certified_points:
            return Tier.CERTIFIED
        return Tier.REGISTERED


class ScorecardSnapshot(models.Model):
    """A company's scorecard as computed on one day: raw figures, points, the tier they earn."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="scorecards")
    day = models.DateField()
    computed_at = models.DateTimeField(default=timezone.now)
    figures = models.JSONField(help_text="Raw figure per dimension.")
    points = models.JSONField(help_text="Points per dimension.")
    total_points = models.DecimalField(max_digits=12, decimal_places=2)
    earned_tier = models.CharField(max_length=12, choices=Tier.choices)
    tier_at_compute = models.CharField(max_length=12, choices=Tier.choices)

    class Meta:
        ordering = ["-day"]
        constraints = [
            # The nightly task may run twice a day: the second run replaces the first.
            models.UniqueConstraint(fields=["company", "day"], name="one_scorecard_per_day"),
        ]
        indexes = [models.Index(fields=["day", "-total_points"], name="scorecard_league_idx")]

    def __str__(self) -> str:
        return f"{self.company_id} on {self.day}: {self.total_points}"


class TierProposal(models.Model):
    """The scorecard earns a tier the company does not have: staff apply or dismiss it."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for staff"
        APPLIED = "applied", "Applied"
        DISMISSED = "dismissed", "Dismissed"
        SUPERSEDED = "superseded", "Replaced by a newer proposal"

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="tier_proposals")
    snapshot = models.ForeignKey(
        ScorecardSnapshot, null=True, on_delete=models.SET_NULL, related_name="proposals"
    )
    from_tier = models.CharField(max_length=12, choices=Tier.choices)
    to_tier = models.CharField(max_length=12, choices=Tier.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(
        null=True, blank=True, help_text="When the company's admins were emailed the change."
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["company"],
                condition=Q(status="pending"),
                name="one_pending_tier_proposal_per_company",
            ),
            models.CheckConstraint(
                condition=~Q(from_tier=F("to_tier")), name="tier_proposal_changes_tier"
            ),
            models.CheckConstraint(
                condition=Q(status="pending") | Q(decided_at__isnull=False),
                name="decided_tier_proposal_has_decided_at",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company_id}: {self.from_tier} → {self.to_tier} ({self.status})"

    @property
    def is_promotion(self) -> bool:
        order = list(Tier.values)
        return order.index(self.to_tier) > order.index(self.from_tier)


class DealDayRollup(models.Model):
    """Deal registration events per day, partner country, tier and currency: what /analytics/
    reads instead of scanning every registration (kept by ``deal_rollup_refresh``).

    Country and tier are the company's when the rollup was built; the nightly full rebuild
    brings a changed tier into the whole history.
    """

    day = models.DateField()
    country = models.CharField(max_length=2, blank=True)
    tier = models.CharField(max_length=12, choices=Tier.choices)
    currency = models.CharField(max_length=3)
    submitted = models.PositiveIntegerField(default=0)
    approved = models.PositiveIntegerField(default=0)
    won = models.PositiveIntegerField(default=0)
    won_value = models.DecimalField(max_digits=18, decimal_places=2, default=Decimal("0"))
    won_sourced = models.DecimalField(max_digits=18, decimal_places=2, default=Decimal("0"))
    won_influenced = models.DecimalField(max_digits=18, decimal_places=2, default=Decimal("0"))
    won_other = models.DecimalField(max_digits=18, decimal_places=2, default=Decimal("0"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "country", "tier", "currency"], name="one_deal_rollup_per_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.country} {self.tier} {self.currency}"


class _DealRollupMeasures(models.Model):
    """The key and measures every deal rollup shares."""

    day = models.DateField()
    country = models.CharField(max_length=2, blank=True)
    tier = models.CharField(max_length=12, choices=Tier.choices)
    currency = models.CharField(max_length=3)
    submitted = models.PositiveIntegerField(default=0)
    approved = models.PositiveIntegerField(default=0)
    won = models.PositiveIntegerField(default=0)
    won_value = models.DecimalField(max_digits=18, decimal_places=2, default=Decimal("0"))
    won_sourced = models.DecimalField(max_digits=18, decimal_places=2, default=Decimal("0"))
    won_influenced = models.DecimalField(max_digits=18, decimal_places=2, default=Decimal("0"))
    won_other = models.DecimalField(max_digits=18, decimal_places=2, default=Decimal("0"))

    class Meta:
        abstract = True


class DealDayCompetencyRollup(_DealRollupMeasures):
    """Like ``DealDayRollup``, per competency too (a registration naming two competencies is
    in both rows; ``competency`` empty: it names none). Serves a competency filter or
    breakdown."""

    competency = models.ForeignKey(
        Competency, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                "day",
                Coalesce("competency", Value(0)),
                "country",
                "tier",
                "currency",
                name="one_deal_competency_rollup_per_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.competency_id} {self.country} {self.tier} {self.currency}"


class DealDayGroupRollup(_DealRollupMeasures):
    """Like ``DealDayRollup``, per group too (the group of the thread a registration was
    opened from; ``group`` empty: none). Serves a group filter or breakdown."""

    group = models.ForeignKey(
        Group, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                "day",
                Coalesce("group", Value(0)),
                "country",
                "tier",
                "currency",
                name="one_deal_group_rollup_per_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.group_id} {self.country} {self.tier} {self.currency}"


class RollupFreshness(models.Model):
    """When the deal rollup was last brought up to date (row 1); shown on /analytics/."""

    refreshed_at = models.DateTimeField()
    rebuilt_at = models.DateTimeField(help_text="The last full rebuild (nightly).")

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="one_rollup_freshness")]

    def __str__(self) -> str:
        return f"Deal rollup refreshed at {self.refreshed_at:%Y-%m-%d %H:%M}"
