"""Reads for referrals and deals: visible to the approved people of the two companies involved
and to program staff; to everyone else they do not exist (``NotFound``). Revenue by source is
for program staff.

Redaction, decided here and only here (``referral_card``): every page, list, CSV and email shows
a referral through a ``ReferralCard`` built for its viewer. The receiving company sees the
redacted invitation (use case, industry, country, size band, value range) until it accepts;
the customer's name, contact, exact value and the referrer's title are blank on its card until
then. The referring company and program staff always see everything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Case, CharField, Count, QuerySet, Sum, Value, When
from django.utils.translation import gettext, gettext_noop

from collaboration.models import Collaboration, FindPartnerRequest, Referral, ValueRange
from collaboration.selectors._common import between_companies_visible_to
from directory.models import Company, CompanyMembership
from directory.selectors.companies import user_company
from groups.models import Thread
from groups.selectors import visible_threads
from portal.errors import NotFound
from portal.models import User

REFERRAL_NOT_FOUND = "No referral found."
REDACTED_HEADLINE = gettext_noop("A referred opportunity")
REDACTED_NOTE = gettext_noop("Shown once %(company)s accepts the referral.")

# What a list or card needs in one query, whatever the number of rows.
CARD_RELATED = ("from_company", "to_company", "industry")


def referrals_visible_to(*, viewer) -> QuerySet[Referral]:
    """Referrals from or to the viewer's company (all of them for staff)."""
    return between_companies_visible_to(
        Referral.objects.all(), viewer=viewer, sides=("from_company", "to_company")
    )


@dataclass(frozen=True)
class ReferralCard:
    """A referral as one viewer may see it: the redacted fields are empty (None) on the
    receiving company's card until it accepts."""

    pk: int
    status: str
    status_label: str
    from_company_name: str
    to_company_name: str
    headline: str
    use_case: str
    industry: str
    country: str
    size_band: str
    value_range: str
    value_range_given: bool
    currency: str
    redacted: bool
    # Empty (None) while redacted:
    title: str | None
    value: Decimal | None
    customer_name: str | None
    customer_contact_name: str | None
    customer_contact_email: str | None
    customer_contact_phone: str | None
    decline_reason: str
    created_at: datetime
    responded_at: datetime | None
    reminded_at: datetime | None
    escalated_at: datetime | None
    redacted_note: str


def referral_redacted_for(*, referral: Referral, viewer, company: Company | None) -> bool:
    """Whether the viewer sees the redacted invitation: the receiving company's people until it
    accepts. (Anyone who is neither side nor staff must not get this far: see the selectors.)"""
    if viewer.is_staff:
        return False
    if company is not None and company.pk == referral.from_company_id:
        return False
    return not referral.customer_revealed


def referral_card(*, referral: Referral, viewer, company: Company | None) -> ReferralCard:
    """The card of a referral the viewer may see (``company``: the viewer's company), with
    the customer's details blanked while the viewer's side has not accepted."""
    redacted = referral_redacted_for(referral=referral, viewer=viewer, company=company)

    def hidden(value):
        return None if redacted else value

    return ReferralCard(
        pk=referral.pk,
        status=referral.status,
        status_label=referral.get_status_display(),
        from_company_name=referral.from_company.name,
        to_company_name=referral.to_company.name,
        headline=(referral.use_case or gettext(REDACTED_HEADLINE)) if redacted else referral.title,
        use_case=referral.use_case,
        industry=referral.industry.name if referral.industry_id else "",
        country=referral.country.name if referral.country else "",
        size_band=referral.get_size_band_display() if referral.size_band else "",
        value_range=referral.get_value_range_display(),
        value_range_given=referral.value_range != ValueRange.NOT_GIVEN,
        currency=referral.currency,
        redacted=redacted,
        title=hidden(referral.title),
        value=hidden(referral.value),
        customer_name=hidden(referral.customer_name),
        customer_contact_name=hidden(referral.customer_contact_name),
        customer_contact_email=hidden(referral.customer_contact_email),
        customer_contact_phone=hidden(referral.customer_contact_phone),
        decline_reason=referral.decline_reason,
        created_at=referral.created_at,
        responded_at=referral.responded_at,
        reminded_at=referral.reminded_at,
        escalated_at=referral.escalated_at,
        redacted_note=gettext(REDACTED_NOTE) % {"company": referral.to_company.name},
    )


def referral_cards(*, viewer, referrals) -> list[ReferralCard]:
    """Cards for rows already filtered for the viewer (and loaded with ``CARD_RELATED``)."""
    company = user_company(viewer) if not viewer.is_staff else None
    return [referral_card(referral=r, viewer=viewer, company=company) for r in referrals]


def referral_list(*, viewer, limit: int = 20) -> list[ReferralCard]:
    """The viewer's company's most recent referrals, as the viewer may see them."""
    rows = (
        referrals_visible_to(viewer=viewer)
        .select_related(*CARD_RELATED)
        .order_by("-created_at", "-pk")[:limit]
    )
    return referral_cards(viewer=viewer, referrals=rows)


def referrals_for_export(*, viewer) -> QuerySet[Referral]:
    """Every referral the viewer may see, newest first, for the CSV (turn rows into cards)."""
    return (
        referrals_visible_to(viewer=viewer)
        .select_related(*CARD_RELATED)
        .order_by("-created_at", "-pk")
    )


def collaboration_referral_cards(*, viewer, collaboration: Collaboration) -> list[ReferralCard]:
    """The referrals that came from a collaboration, as the viewer may see them."""
    rows = (
        referrals_visible_to(viewer=viewer)
        .filter(collaboration=collaboration)
        .select_related(*CARD_RELATED)
        .order_by("-created_at", "-pk")
    )
    return referral_cards(viewer=viewer, referrals=rows)


def escalated_referrals(*, viewer) -> QuerySet[Referral]:
    """Invitations escalated to program staff and still unanswered, oldest first; for program
    staff only (``NotFound`` to anyone else)."""
    if not viewer.is_staff:
        raise NotFound(REFERRAL_NOT_FOUND)
    return (
        Referral.objects.filter(status=Referral.Status.PROPOSED, escalated_at__isnull=False)
        .select_related(*CARD_RELATED)
        .order_by("created_at", "pk")
    )


def referral_invitation_recipients(*, company: Company):
    """Who hears about a company's referrals: its admins, or its approved people if it has no
    admin."""
    people = CompanyMembership.objects.filter(
        company=company, status=CompanyMembership.Status.APPROVED, user__is_active=True
    )
    admins = people.filter(role=CompanyMembership.Role.ADMIN)
    chosen = admins if admins.exists() else people
    return User.objects.filter(pk__in=chosen.values("user_id")).order_by("pk")


def referral_staff_recipients():
    """Program staff, who hear about escalated invitations."""
    return User.objects.filter(is_staff=True, is_active=True).order_by("pk")


def referral_source_visible(*, viewer, referral: Referral) -> bool:
    """Whether the viewer may read the thread a referral came from (it may sit in a private
    group that one of the two companies' people is not in)."""
    thread_id = referral.request.thread_id if referral.request_id else referral.thread_id
    if thread_id is None:
        return True
    return visible_threads(viewer=viewer).filter(pk=thread_id).exists()


def referral_get_for_viewer(*, viewer, referral_id: int) -> Referral:
    """The referral for one of the two companies' people or staff, else ``NotFound``."""
    found = (
        referrals_visible_to(viewer=viewer)
        .select_related(*CARD_RELATED, "request__thread", "collaboration", "thread__group")
        .filter(pk=referral_id)
        .first()
    )
    if found is None:
        raise NotFound(REFERRAL_NOT_FOUND)
    return found


def thread_for_referral(*, viewer, thread_id: int) -> Thread:
    """A thread the viewer may see, to link a referral to, else ``NotFound``."""
    thread = (
        visible_threads(viewer=viewer)
        .select_related("author_company", "group")
        .filter(pk=thread_id)
        .first()
    )
    if thread is None:
        raise NotFound(REFERRAL_NOT_FOUND)
    return thread


def referral_counterpart(
    *,
    company: Company | None,
    collaboration: Collaboration | None = None,
    partner_request: FindPartnerRequest | None = None,
    thread: Thread | None = None,
) -> Company | None:
    """The company a referral from ``company`` would go to, given where it comes from."""
    if company is None:
        return None
    if collaboration is not None:
        pair = (collaboration.requesting_company, collaboration.responding_company)
        others = [other for other in pair if other.pk != company.pk]
        return others[0] if len(others) == 1 else None
    if partner_request is not None:
        if partner_request.company_id and partner_request.company_id != company.pk:
            return partner_request.company
        return partner_request.awarded_to
    if thread is not None and thread.author_company_id != company.pk:
        return thread.author_company
    return None


REVENUE_SOURCES = {
    "collaboration": gettext_noop("Private collaboration"),
    "request": gettext_noop("Find-a-partner request"),
    "thread": gettext_noop("Group thread"),
    "other": gettext_noop("Not linked"),
}


@dataclass
class RevenueRow:
    source: str
    label: str
    currency: str
    deals: int
    total: Decimal


def revenue_by_source() -> list[RevenueRow]:
    """Won referral value per community source and currency (for program staff)."""
    # The most specific link wins: a collaboration usually also names its request.
    source = Case(
        When(collaboration__isnull=False, then=Value("collaboration")),
        When(request__isnull=False, then=Value("request")),
        When(thread__isnull=False, then=Value("thread")),
        default=Value("other"),
        output_field=CharField(),
    )
    rows = (
        Referral.objects.filter(status=Referral.Status.WON)
        .annotate(source=source)
        .values("source", "currency")
        .annotate(deals=Count("pk"), total=Sum("value"))
        .order_by("source", "currency")
    )
    return [
        RevenueRow(
            source=row["source"],
            label=gettext(REVENUE_SOURCES[row["source"]]),
            currency=row["currency"],
            deals=row["deals"],
            total=row["total"] or Decimal("0"),
        )
        for row in rows
    ]
