"""The partner directory: companies, their curated claims, people and reviews."""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from taggit.managers import TaggableManager


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    MEMBERS = "members", _("Members only")
    HIDDEN = "hidden", _("Hidden (my company and program staff)")


class Tier(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    CERTIFIED = "certified", _("Certified")
    GOLD = "gold", _("Gold")


class ListingStatus(models.TextChoices):
    # A member who finds no listing for their company creates a draft at onboarding; staff
    # review it. A draft lists like any company but claims nothing staff checked: its tier is
    # Registered, its competencies self-declared, and its profile says it is a draft.
    DRAFT = "draft", _("Draft, waiting for review by program staff")
    CURATED = "curated", _("Reviewed by program staff")


class SizeBand(models.TextChoices):
    MICRO = "1-10", _("1–10 employees")
    SMALL = "11-50", _("11–50 employees")
    MEDIUM = "51-200", _("51–200 employees")
    LARGE = "201-1000", _("201–1,000 employees")
    XLARGE = "1001-5000", _("1,001–5,000 employees")
    ENTERPRISE = "5001+", _("More than 5,000 employees")


class Competency(models.Model):
    """An entry of the controlled competency vocabulary, managed by program staff."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "competencies"

    def __str__(self) -> str:
        return self.name


class Industry(models.Model):
    """An entry of the controlled industry vocabulary, managed by program staff."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "industries"

    def __str__(self) -> str:
        return self.name


# The text search configuration created by migration 0002 (English stemming behind unaccent):
# Company.search_vector is filled with it (directory.services.search_index) and searched with it
# (directory.selectors.search).
SEARCH_CONFIG = "portal_search"


class Company(models.Model):
    """A partner company's directory listing.

    The overview (name, logo, description, tier, competencies, headquarters country and rating)
    is always public: it is what the directory lists. Every other field group carries its own
    visibility, chosen by the company's admins.
    """

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    logo = models.ImageField(upload_to="logos/", blank=True)
    website = models.URLField(blank=True)
    hq_country = CountryField("headquarters country")
    hq_region = models.CharField("headquarters region", max_length=120, blank=True)
    hq_city = models.CharField("headquarters city", max_length=120, blank=True)
    size_band = models.CharField(max_length=12, choices=SizeBand.choices, blank=True)
    founded = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1800), MaxValueValidator(2100)]
    )
    languages = models.JSONField(default=list, blank=True, help_text="ISO 639-1 codes")
    tier = models.CharField(max_length=12, choices=Tier.choices, default=Tier.REGISTERED)
    listing_status = models.CharField(
        max_length=8, choices=ListingStatus.choices, default=ListingStatus.CURATED
    )
    industries = models.ManyToManyField(Industry, related_name="companies", blank=True)
    competencies = models.ManyToManyField(
        Competency, through="CompanyCompetency", related_name="companies", blank=True
    )
    tags = TaggableManager(blank=True)

    details_visibility = models.CharField(
        max_length=8,
        choices=Visibility.choices,
        default=Visibility.PUBLIC,
        help_text="Size, founding year, languages, region and city, countries served, website.",
    )
    offerings_visibility = models.CharField(
        max_length=8, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    contacts_visibility = models.CharField(
        max_length=8, choices=Visibility.choices, default=Visibility.MEMBERS
    )
    reviews_visibility = models.CharField(
        max_length=8, choices=Visibility.choices, default=Visibility.PUBLIC
    )

    # Maintained by services so that sorting and listing need no aggregation.
    rating_average = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    rating_count = models.PositiveIntegerField(default=0)
    profile_completeness = models.PositiveSmallIntegerField(default=0)
    search_vector = SearchVectorField(null=True, editable=False)
    # What SQLite, the embedded default, searches instead (directory.search_text); empty on
    # PostgreSQL.
    search_text = models.TextField(default="", db_default="", blank=True, editable=False)

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "companies"
        indexes = [
            GinIndex(fields=["search_vector"], name="company_search_gin"),
            models.Index(fields=["tier"], name="company_tier_idx"),
            models.Index(fields=["-rating_average", "name"], name="company_rating_idx"),
            # The directory's sort orders, each ending in a unique column so paging is stable,
            # covering the filter columns so a filtered page walks the index alone (an
            # index-only scan) instead of fetching every skipped row from the table.
            # (The NULLS LAST one is created on PostgreSQL only, by migration 0002.)
            models.Index(
                models.F("rating_average").desc(nulls_last=True),
                models.F("name"),
                models.F("id"),
                name="company_sort_rating_idx",
                include=["tier", "hq_country", "details_visibility"],
            ),
            models.Index(
                fields=["name", "id"],
                name="company_sort_name_idx",
                include=["tier", "hq_country", "details_visibility"],
            ),
            models.Index(
                fields=["-created_at", "-id"],
                name="company_sort_newest_idx",
                include=["tier", "hq_country", "details_visibility"],
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating_average__isnull=True)
                | Q(rating_average__gte=1, rating_average__lte=5),
                name="company_rating_average_in_range",
            ),
            models.CheckConstraint(
                condition=Q(profile_completeness__lte=100), name="company_completeness_percent"
            ),
            models.CheckConstraint(
                condition=Q(founded__isnull=True) | Q(founded__gte=1800, founded__lte=2100),
                name="company_founded_plausible",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("directory:profile", kwargs={"slug": self.slug})

    @property
    def is_draft(self) -> bool:
        return self.listing_status == ListingStatus.DRAFT


class CompanyCountry(models.Model):
    """A country the company operates in: its headquarters or one it serves.

    Kept as rows (not a list column) so that the country filter and its facet counts are
    plain indexed joins on both PostgreSQL and SQLite.
    """

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="countries")
    country = CountryField()
    is_headquarters = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["company", "country"], name="company_country_unique"),
        ]
        # Covering is_headquarters: the country filter and facet read the index alone.
        indexes = [
            models.Index(
                fields=["country", "company"],
                name="company_country_idx",
                include=["is_headquarters"],
            )
        ]

    def __str__(self) -> str:
        return f"{self.company} in {self.country}"


class ClaimQuerySet(models.QuerySet["CompanyCompetency"]):
    """Which competency claims count: the one home of that rule.

    A verified claim past its ``expires_at`` no longer counts as verified, even before the
    nightly task (``competency_claims_expire``) has flipped its status to expired.
    """

    @staticmethod
    def verified_condition(prefix: str = "") -> Q:
        """Claims verified by staff and not past their expiry, as a condition (``prefix``
        reaches them through a relation, e.g. ``"competency_claims__"``)."""
        return Q(**{f"{prefix}status": CompanyCompetency.Status.VERIFIED}) & (
            Q(**{f"{prefix}expires_at__isnull": True})
            | Q(**{f"{prefix}expires_at__gt": timezone.now()})
        )

    @classmethod
    def live_condition(cls, prefix: str = "") -> Q:
        """Claims that count for matching and search: self-declared, or verified and live."""
        return Q(
            **{f"{prefix}status": CompanyCompetency.Status.SELF_DECLARED}
        ) | cls.verified_condition(prefix)

    def verified(self) -> "ClaimQuerySet":
        """Claims verified by staff that have not expired."""
        return self.filter(self.verified_condition())

    def live(self) -> "ClaimQuerySet":
        """Claims that count: self-declared, or verified and not expired."""
        return self.filter(self.live_condition())


class CompanyCompetency(models.Model):
    """A company's claim to a competency: self-declared until staff verify it."""

    class Status(models.TextChoices):
        SELF_DECLARED = "self_declared", _("Self-declared")
        VERIFIED = "verified", _("Verified")
        EXPIRED = "expired", _("Expired")

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="competency_claims")
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="claims")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SELF_DECLARED)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ClaimQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["company", "competency"], name="company_competency_unique"
            ),
            models.CheckConstraint(
                condition=~Q(status="verified") | Q(verified_at__isnull=False),
                name="verified_claim_has_verified_at",
            ),
        ]
        indexes = [
            # Covering expires_at: the verified-competency filter and facet read the index alone.
            models.Index(
                fields=["competency", "status", "company"],
                name="claim_lookup_idx",
                include=["expires_at"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company}: {self.competency} ({self.get_status_display()})"

    @property
    def is_verified(self) -> bool:
        """The in-memory twin of ``ClaimQuerySet.verified()``."""
        return self.status == self.Status.VERIFIED and (
            self.expires_at is None or self.expires_at > timezone.now()
        )

    @property
    def is_live(self) -> bool:
        """The in-memory twin of ``ClaimQuerySet.live()``."""
        return self.status == self.Status.SELF_DECLARED or self.is_verified


class Offering(models.Model):
    """A product or service the company offers."""

    class Kind(models.TextChoices):
        PRODUCT = "product", _("Product")
        SERVICE = "service", _("Service")

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="offerings")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class ClaimedDomain(models.Model):
    """An email domain a company has claimed: verified sign-ups on it ask to join automatically."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="domains")
    domain = models.CharField(max_length=253, unique=True)

    def __str__(self) -> str:
        return self.domain


class CompanyMembership(models.Model):
    """A person's tie to a company: requested, then approved by a company admin."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")

    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        ADMIN = "admin", _("Company admin")

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="company_memberships"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    role = models.CharField(max_length=8, choices=Role.choices, default=Role.MEMBER)
    show_as_contact = models.BooleanField(
        default=False, help_text="List me as a contact person on the company profile."
    )
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # A person belongs to at most one company, and asks one at a time.
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status__in=["requested", "approved"]),
                name="one_active_membership_per_user",
            ),
        ]
        indexes = [models.Index(fields=["company", "status"], name="membership_company_idx")]

    def __str__(self) -> str:
        return f"{self.user} at {self.company} ({self.status})"


class Review(models.Model):
    """A customer's review of a company; it counts only once a moderator approves it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="reviews")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="company_reviews"
    )
    rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    title = models.CharField(max_length=150)
    body = models.TextField(max_length=5000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    rejection_reason = models.CharField(max_length=300, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="review_rating_in_range"
            ),
            models.UniqueConstraint(fields=["company", "author"], name="one_review_per_author"),
        ]
        indexes = [
            models.Index(
                fields=["created_at"], name="review_pending_idx", condition=Q(status="pending")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rating}★ {self.title}"


class VerificationLog(models.Model):
    """Audit trail of what program staff did to a company's curated data."""

    class Action(models.TextChoices):
        COMPETENCY_VERIFIED = "competency_verified", _("Competency verified")
        COMPETENCY_EXPIRED = "competency_expired", _("Competency expired")
        COMPETENCY_REVOKED = "competency_revoked", _("Verification revoked")
        TIER_CHANGED = "tier_changed", _("Tier changed")
        REVIEW_APPROVED = "review_approved", _("Review approved")
        REVIEW_REJECTED = "review_rejected", _("Review rejected")
        LISTING_CURATED = "listing_curated", _("Draft listing reviewed")

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="audit_log")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=24, choices=Action.choices)
    detail = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.detail}"
