"""Reads for one company's profile: the single place that decides field-group visibility.

What a viewer may not have raises a domain error (portal.errors): NotFound for what they may
not know exists, NotPermitted for what they may see but not do; views and the API answer them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_noop

from directory.models import (
    ClaimedDomain,
    Company,
    CompanyCompetency,
    CompanyCountry,
    CompanyMembership,
    Offering,
    Review,
    Visibility,
)
from portal.errors import NotFound, NotPermitted
from portal.viewers import Viewer, is_signed_in

# Field groups with their own visibility; the overview is always public and is not listed.
FIELD_GROUPS = ("details", "offerings", "contacts", "reviews")

# What the API's 404 says for an unknown slug (the words of Django's get_object_or_404).
COMPANY_NOT_FOUND = gettext_noop("No Company matches the given query.")


def user_membership(user: Viewer | None) -> CompanyMembership | None:
    """The user's active (requested or approved) membership with its company, or None."""
    if not is_signed_in(user):
        return None
    return (
        CompanyMembership.objects.select_related("company")
        .filter(
            user=user,
            status__in=[CompanyMembership.Status.REQUESTED, CompanyMembership.Status.APPROVED],
        )
        .first()
    )


def user_company(user: Viewer | None) -> Company | None:
    """The company the user belongs to (approved membership), or None."""
    membership = user_membership(user)
    if membership is None or membership.status != CompanyMembership.Status.APPROVED:
        return None
    return membership.company


def company_for_email_domain(email: str) -> Company | None:
    """The company that claimed the domain of this email address, or None."""
    domain = email.rsplit("@", 1)[-1].strip().lower()
    claimed = ClaimedDomain.objects.select_related("company").filter(domain=domain).first()
    return claimed.company if claimed is not None else None


def companies_named_like(*, q: str, limit: int = 8) -> list[Company]:
    """A few companies whose name contains ``q``, for picking one's own company by name."""
    q = q.strip()
    if not q:
        return []
    return list(
        Company.objects.filter(name__icontains=q)
        .only("pk", "name", "slug", "hq_country", "listing_status")
        .order_by("name", "pk")[:limit]
    )


def user_is_company_admin(user: Viewer | None, company: Company) -> bool:
    """True when the user administers this company (approved membership with the admin role)."""
    if not is_signed_in(user):
        return False
    return CompanyMembership.objects.filter(
        user=user,
        company=company,
        status=CompanyMembership.Status.APPROVED,
        role=CompanyMembership.Role.ADMIN,
    ).exists()


def visible_levels(*, viewer: Viewer | None, is_insider: bool) -> frozenset[str]:
    """The visibility levels a viewer may read: public, plus members, plus hidden for insiders."""
    if not is_signed_in(viewer):
        return frozenset({Visibility.PUBLIC})
    if is_insider or viewer.is_staff:
        return frozenset({Visibility.PUBLIC, Visibility.MEMBERS, Visibility.HIDDEN})
    return frozenset({Visibility.PUBLIC, Visibility.MEMBERS})


def company_visible_groups(
    *, viewer: Viewer | None, company: Company, viewer_company_id: int | None = None
) -> frozenset[str]:
    """The field groups of ``company`` that ``viewer`` may see (the overview always is).

    ``viewer_company_id`` is the viewer's own company when the caller already knows it; it
    saves a query.
    """
    if viewer_company_id is None and is_signed_in(viewer) and not viewer.is_staff:
        own = user_company(viewer)
        viewer_company_id = own.pk if own else None
    levels = visible_levels(viewer=viewer, is_insider=viewer_company_id == company.pk)
    return frozenset(
        group for group in FIELD_GROUPS if getattr(company, f"{group}_visibility") in levels
    )


@dataclass
class CompanyProfile:
    """Everything a profile page or the detail API may show to one viewer, already filtered."""

    company: Company
    visible: frozenset[str]
    claims: list[CompanyCompetency]
    industries: list
    tags: list[str]
    countries_served: list[CompanyCountry] = field(default_factory=list)
    offerings: list[Offering] = field(default_factory=list)
    contacts: list[CompanyMembership] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)
    viewer_membership: CompanyMembership | None = None
    viewer_is_insider: bool = False
    viewer_is_admin: bool = False
    viewer_is_staff: bool = False
    viewer_review: Review | None = None
    viewer_signed_in: bool = False

    @property
    def verified_claims(self) -> list[CompanyCompetency]:
        return [claim for claim in self.claims if claim.is_verified]

    @property
    def other_claims(self) -> list[CompanyCompetency]:
        return [claim for claim in self.claims if not claim.is_verified]

    @property
    def published_reviews(self) -> list[Review]:
        return [review for review in self.reviews if review.status == Review.Status.APPROVED]

    @property
    def can_join(self) -> bool:
        """Signed in and without a company or a pending request to join one."""
        return self.viewer_signed_in and self.viewer_membership is None

    @property
    def can_review(self) -> bool:
        """A signed-in outsider who can see reviews and has not reviewed this company yet."""
        return (
            self.viewer_signed_in
            and "reviews" in self.visible
            and not self.viewer_is_insider
            and self.viewer_review is None
        )


def _claims_queryset() -> QuerySet[CompanyCompetency]:
    return CompanyCompetency.objects.select_related("competency").order_by("competency__name")


def company_get_for_profile(*, viewer: Viewer | None, slug: str) -> CompanyProfile:
    """Load one company and exactly the data ``viewer`` may see, in a constant number of queries.

    Raises NotFound when no company has this slug. Groups the viewer may not see are never
    loaded, so they cannot leak into a page or a JSON document.
    """
    company = _company_with_slug(
        Company.objects.prefetch_related(
            Prefetch("competency_claims", queryset=_claims_queryset(), to_attr="claim_list"),
            "industries",
        ),
        slug=slug,
    )
    signed_in = is_signed_in(viewer)
    membership = user_membership(viewer) if signed_in else None
    is_insider = (
        membership is not None
        and membership.status == CompanyMembership.Status.APPROVED
        and membership.company_id == company.pk
    )
    viewer_company_id = (
        membership.company_id
        if membership is not None and membership.status == CompanyMembership.Status.APPROVED
        else 0
    )
    visible = company_visible_groups(
        viewer=viewer, company=company, viewer_company_id=viewer_company_id
    )
    profile = CompanyProfile(
        company=company,
        visible=visible,
        claims=company.claim_list,
        industries=list(company.industries.all()),
        tags=sorted(company.tags.names()),
        viewer_membership=membership,
        viewer_is_insider=is_insider,
        viewer_is_admin=is_insider and membership.role == CompanyMembership.Role.ADMIN,
        viewer_is_staff=signed_in and viewer.is_staff,
        viewer_signed_in=signed_in,
    )
    if "details" in visible:
        profile.countries_served = list(
            company.countries.filter(is_headquarters=False).order_by("country")
        )
    if "offerings" in visible:
        profile.offerings = list(company.offerings.all())
    if "contacts" in visible:
        profile.contacts = list(
            company.memberships.filter(
                status=CompanyMembership.Status.APPROVED, show_as_contact=True
            )
            .select_related("user")
            .order_by("user__display_name", "user__email")
        )
    if "reviews" in visible:
        reviews = list(
            company.reviews.filter(status=Review.Status.APPROVED)
            .select_related("author")
            .order_by("-created_at")
        )
        if signed_in:
            own = (
                Review.objects.filter(company=company, author=viewer)
                .select_related("author")
                .first()
            )
            profile.viewer_review = own
            if own is not None and own.status == Review.Status.PENDING:
                reviews.insert(0, own)
        profile.reviews = reviews
    return profile


def _company_with_slug(companies: QuerySet[Company], *, slug: str) -> Company:
    try:
        return companies.get(slug=slug)
    except Company.DoesNotExist:
        raise NotFound(COMPANY_NOT_FOUND) from None


def company_get_for_admin(*, user: Viewer, slug: str) -> Company:
    """The company with this slug if ``user`` administers it; NotFound if unknown, else
    NotPermitted when the user is signed in but not one of its admins."""
    company = _company_with_slug(Company.objects.all(), slug=slug)
    if not user_is_company_admin(user, company):
        raise NotPermitted
    return company


def company_get_for_staff(*, user: Viewer, slug: str) -> Company:
    """The company with this slug for program staff; NotFound for everyone else, so staff
    tooling does not announce itself."""
    if not (is_signed_in(user) and user.is_staff):
        raise NotFound
    return _company_with_slug(Company.objects.all(), slug=slug)


def company_memberships_for_admin(*, company: Company) -> list[CompanyMembership]:
    """The company's pending requests first, then its approved people, for its admins."""
    return list(
        company.memberships.filter(
            status__in=[CompanyMembership.Status.REQUESTED, CompanyMembership.Status.APPROVED]
        )
        .select_related("user")
        .order_by("status", "user__email")
    )


def reviews_pending(*, viewer: Viewer) -> QuerySet[Review]:
    """Reviews waiting for moderation, oldest first; NotFound for anyone but program staff."""
    if not (is_signed_in(viewer) and viewer.is_staff):
        raise NotFound
    return (
        Review.objects.filter(status=Review.Status.PENDING)
        .select_related("company", "author")
        .order_by("created_at")
    )


def claims_awaiting_verification(*, viewer: Viewer) -> QuerySet[CompanyCompetency]:
    """Self-declared competency claims, oldest first, for program staff to verify; NotFound for
    anyone else."""
    if not (is_signed_in(viewer) and viewer.is_staff):
        raise NotFound
    return (
        CompanyCompetency.objects.filter(status=CompanyCompetency.Status.SELF_DECLARED)
        .select_related("company", "competency")
        .order_by("created_at", "pk")
    )
