"""Scorecards: the figures per company (counted for every company at once, a query per
dimension), the points they earn under the rules, and who may see which scorecard."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from statistics import median

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, QuerySet, Sum
from django.utils.translation import gettext_lazy

from analytics.models import ScorecardRules, ScorecardSnapshot, TierProposal
from collaboration.models import Collaboration, Referral, ReferralEvent
from deals.models import DealRegistration, DealStatus
from directory.models import Company, CompanyCompetency, Review, Tier
from directory.selectors.companies import user_company
from groups.models import HelpfulVote, PostStatus, Reply, Thread
from portal.errors import NotFound

SCORECARD_NOT_FOUND = "No scorecard found."
NO_COMPANY = "You do not belong to a partner company, so there is no scorecard to show."

# (key, label, unit shown beside the figure) in the order the scorecard lists them.
DIMENSIONS = [
    (
        "won_value",
        gettext_lazy("Won value (referrals and registrations)"),
        gettext_lazy("program currency"),
    ),
    ("approved_registrations", gettext_lazy("Approved deal registrations"), ""),
    ("verified_competencies", gettext_lazy("Verified competencies"), ""),
    ("reviews", gettext_lazy("Approved customer reviews"), ""),
    ("accepted_answers", gettext_lazy("Accepted answers"), ""),
    ("helpful_votes", gettext_lazy("Helpful votes received"), ""),
    (
        "median_response_hours",
        gettext_lazy("Median hours to answer a request"),
        gettext_lazy("hours"),
    ),
]
LEAGUE_SORTS = {
    "points": "-total_points",
    "name": "company__name",
    "tier": "company__tier",
    **{key: f"-figures__{key}" for key, _, _ in DIMENSIONS if key != "median_response_hours"},
}


def _by_company(rows, key="company", value="n") -> dict[int, object]:
    return {row[key]: row[value] for row in rows if row[key] is not None}


def scorecard_figures(*, now: datetime, window_days: int, company_ids=None) -> dict[int, dict]:
    """Each company's raw figures over the window before ``now`` (``company_ids``: only those)."""
    since = now - timedelta(days=window_days)

    def only(queryset: QuerySet, field: str) -> QuerySet:
        if company_ids is None:
            return queryset
        return queryset.filter(**{f"{field}__in": company_ids})

    figures: dict[int, dict] = defaultdict(dict)
    # Won referrals count for both companies: one referred, the other delivered.
    won_referrals = Referral.objects.filter(status=Referral.Status.WON).filter(
        Exists(
            ReferralEvent.objects.filter(
                referral=OuterRef("pk"), to_status=Referral.Status.WON, created_at__gte=since
            )
        )
    )
    # Won value is summed per currency and never across currencies: the program currency earns
    # points, the others are kept beside it (``won_value_other``) for people to see.
    program_currency = settings.PROGRAM_CURRENCY
    won: dict[int, Decimal] = defaultdict(Decimal)
    won_other: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))

    def add_won(company_id: int | None, currency: str, total: Decimal | None) -> None:
        if company_id is None or total is None:
            return
        if currency == program_currency:
            won[company_id] += total
        else:
            won_other[company_id][currency] += total

    for side in ("from_company", "to_company"):
        rows = only(won_referrals, side).values(side, "currency").annotate(n=Sum("value"))
        for row in rows.order_by():
            add_won(row[side], row["currency"], row["n"])
    deals_won = only(
        DealRegistration.objects.filter(status=DealStatus.WON, closed_at__gte=since), "company"
    )
    for row in deals_won.values("company", "currency").annotate(n=Sum("value")).order_by():
        add_won(row["company"], row["currency"], row["n"])
    counts = {
        "won_value": won,
        "won_value_other": {
            company_id: {code: per[code] for code in sorted(per)}
            for company_id, per in won_other.items()
        },
        "approved_registrations": _by_company(
            only(DealRegistration.objects.filter(approved_at__gte=since), "company")
            .values("company")
            .annotate(n=Count("pk"))
            .order_by()
        ),
        "verified_competencies": _by_company(
            only(CompanyCompetency.objects.verified(), "company")
            .values("company")
            .annotate(n=Count("pk"))
            .order_by()
        ),
        "reviews": _by_company(
            only(
                Review.objects.filter(status=Review.Status.APPROVED, created_at__gte=since),
                "company",
            )
            .values("company")
            .annotate(n=Count("pk"))
            .order_by()
        ),
        "accepted_answers": _by_company(
            only(
                Reply.objects.filter(
                    status=PostStatus.PUBLISHED,
                    created_at__gte=since,
                    pk__in=Thread.objects.filter(accepted_reply__isnull=False).values(
                        "accepted_reply"
                    ),
                ),
                "author_company",
            )
            .values("author_company")
            .annotate(n=Count("pk"))
            .order_by(),
            key="author_company",
        ),
    }
    helpful = defaultdict(int)
    for path in ("thread__author_company", "reply__author_company"):
        rows = (
            only(HelpfulVote.objects.filter(created_at__gte=since), path)
            .values(path)
            .annotate(n=Count("pk"))
            .order_by()
        )
        for company_id, n in _by_company(rows, key=path).items():
            helpful[company_id] += n
    counts["helpful_votes"] = helpful
    waits = defaultdict(list)
    answers = only(
        Collaboration.objects.filter(request__isnull=False, created_at__gte=since),
        "responding_company",
    ).values_list("responding_company", "request__created_at", "created_at")
    for company_id, asked, answered in answers:
        waits[company_id].append((answered - asked).total_seconds() / 3600)
    counts["median_response_hours"] = {
        company_id: round(median(hours), 1) for company_id, hours in waits.items()
    }
    for key, per_company in counts.items():
        for company_id, value in per_company.items():
            figures[company_id][key] = value
    return figures


def _quantize(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def scorecard_points(*, figures: dict, rules: ScorecardRules) -> dict[str, Decimal]:
    """Points per dimension for one company's figures under the rules."""
    won = Decimal(figures.get("won_value") or 0)
    response = figures.get("median_response_hours")
    points = {
        "won_value": won / rules.won_value_per_point,
        "approved_registrations": rules.approved_registration
        * figures.get("approved_registrations", 0),
        "verified_competencies": rules.verified_competency
        * figures.get("verified_competencies", 0),
        "reviews": rules.review * figures.get("reviews", 0),
        "accepted_answers": rules.accepted_answer * figures.get("accepted_answers", 0),
        "helpful_votes": rules.helpful_vote * figures.get("helpful_votes", 0),
        "median_response_hours": rules.fast_response
        if response is not None and response <= rules.response_target_hours
        else Decimal("0"),
    }
    return {key: _quantize(Decimal(value)) for key, value in points.items()}


def next_tier_gap(*, total: Decimal, rules: ScorecardRules) -> tuple[str, Decimal] | None:
    """The next tier above what these points earn and the points still missing (None at Gold)."""
    earned = rules.tier_for(total)
    if earned == Tier.GOLD:
        return None
    target = Tier.CERTIFIED if earned == Tier.REGISTERED else Tier.GOLD
    needed = rules.certified_points if target == Tier.CERTIFIED else rules.gold_points
    return Tier(target).label, _quantize(Decimal(needed) - total)


@dataclass
class ScorecardLine:
    key: str
    label: str
    unit: str
    figure: object
    points: Decimal


@dataclass
class ScorecardView:
    company: Company
    snapshot: ScorecardSnapshot | None
    lines: list[ScorecardLine]
    won_other: list[tuple[str, Decimal]]
    program_currency: str
    total: Decimal
    earned_tier: str
    gap: tuple[str, Decimal] | None
    history: list[ScorecardSnapshot]
    pending_proposal: TierProposal | None


def scorecard_company_for(*, viewer, slug: str) -> Company:
    """The company whose scorecard the viewer asks for: their own, or any for staff; else
    ``NotFound``."""
    if viewer.is_authenticated and viewer.is_staff:
        company = Company.objects.filter(slug=slug).first()
    else:
        own = user_company(viewer) if viewer.is_authenticated else None
        company = own if own is not None and own.slug == slug else None
    if company is None:
        raise NotFound(SCORECARD_NOT_FOUND)
    return company


def scorecard_view(*, company: Company, rules: ScorecardRules, show_proposal: bool):
    """The latest snapshot, read line by line, with the gap to the next tier and the history."""
    history = list(ScorecardSnapshot.objects.filter(company=company).order_by("-day")[:12])
    snapshot = history[0] if history else None
    figures = snapshot.figures if snapshot else {}
    points = {key: Decimal(value) for key, value in snapshot.points.items()} if snapshot else {}
    program_currency = settings.PROGRAM_CURRENCY
    lines = [
        ScorecardLine(
            key,
            label,
            program_currency if key == "won_value" else unit,
            figures.get(key),
            points.get(key, Decimal("0")),
        )
        for key, label, unit in DIMENSIONS
    ]
    won_other = [
        (code, Decimal(str(value))) for code, value in figures.get("won_value_other", {}).items()
    ]
    total = snapshot.total_points if snapshot else Decimal("0")
    proposal = None
    if show_proposal:
        proposal = TierProposal.objects.filter(
            company=company, status=TierProposal.Status.PENDING
        ).first()
    return ScorecardView(
        company=company,
        snapshot=snapshot,
        lines=lines,
        won_other=won_other,
        program_currency=program_currency,
        total=total,
        earned_tier=rules.tier_for(total),
        gap=next_tier_gap(total=total, rules=rules),
        history=history,
        pending_proposal=proposal,
    )


def league_table(*, sort: str) -> QuerySet[ScorecardSnapshot]:
    """Every company's scorecard from the latest nightly run, sorted (page it, then call
    ``with_pending_proposals`` on the page)."""
    latest = ScorecardSnapshot.objects.order_by("-day").values_list("day", flat=True).first()
    order = LEAGUE_SORTS.get(sort, LEAGUE_SORTS["points"])
    return (
        ScorecardSnapshot.objects.filter(day=latest)
        .select_related("company")
        .order_by(order, "company__name", "pk")
    )


def with_pending_proposals(rows: list[ScorecardSnapshot]) -> list[ScorecardSnapshot]:
    """Mark each row with its company's pending tier proposal (one query for the page)."""
    proposals = {
        proposal.company_id: proposal
        for proposal in TierProposal.objects.filter(
            status=TierProposal.Status.PENDING, company_id__in=[row.company_id for row in rows]
        )
    }
    for row in rows:
        row.pending_proposal = proposals.get(row.company_id)
    return rows


PROPOSALS_SHOWN = 50


def pending_proposals() -> tuple[list[TierProposal], int]:
    """The oldest tier changes waiting for a staff decision, and how many wait in all."""
    waiting = TierProposal.objects.filter(status=TierProposal.Status.PENDING)
    first = list(
        waiting.select_related("company", "snapshot").order_by("created_at", "pk")[:PROPOSALS_SHOWN]
    )
    return first, waiting.count()


def proposal_get(*, proposal_id: int) -> TierProposal:
    proposal = TierProposal.objects.select_related("company").filter(pk=proposal_id).first()
    if proposal is None:
        raise NotFound(SCORECARD_NOT_FOUND)
    return proposal
