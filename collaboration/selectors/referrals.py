"""Reads for referrals and deals: visible to the approved people of the two companies involved
and to program staff; to everyone else they do not exist (``NotFound``). Revenue by source is
for program staff.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, CharField, Count, QuerySet, Sum, Value, When

from collaboration.models import Collaboration, FindPartnerRequest, Referral
from collaboration.selectors._common import between_companies_visible_to
from directory.models import Company
from groups.models import Thread
from groups.selectors import visible_threads
from portal.errors import NotFound

REFERRAL_NOT_FOUND = "No referral found."


def referrals_visible_to(*, viewer) -> QuerySet[Referral]:
    """Referrals from or to the viewer's company (all of them for staff)."""
    return between_companies_visible_to(
        Referral.objects.all(), viewer=viewer, sides=("from_company", "to_company")
    )


def referral_list(*, viewer, limit: int = 20) -> list[Referral]:
    """The viewer's company's most recent referrals, ready to list."""
    return list(
        referrals_visible_to(viewer=viewer)
        .select_related("from_company", "to_company")
        .order_by("-created_at", "-pk")[:limit]
    )


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
        .select_related(
            "from_company", "to_company", "request__thread", "collaboration", "thread__group"
        )
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
    "collaboration": "Private collaboration",
    "request": "Find-a-partner request",
    "thread": "Group thread",
    "other": "Not linked",
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
            label=REVENUE_SOURCES[row["source"]],
            currency=row["currency"],
            deals=row["deals"],
            total=row["total"] or Decimal("0"),
        )
        for row in rows
    ]
