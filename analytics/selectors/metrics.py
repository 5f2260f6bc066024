"""What each funnel figure counts, and how each filter and breakdown reaches it.

Docs for a program manager: docs/analytics.md states the same rules in words. Country and tier
are always those of the partner company concerned (its headquarters country, its tier today):
the author's company for posts, the asking company for requests, the answering company for
responses and collaborations, the referring company for referrals.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from collaboration.models import Collaboration, FindPartnerRequest, Referral
from deals.models import DealRegistration, DealStatus
from groups.models import PostStatus, Reply, Thread

DIMENSIONS = ("country", "tier", "group", "competency")


@dataclass(frozen=True)
class Source:
    """One table a figure is counted from, with the paths its filters and breakdowns follow.

    ``dims`` maps a dimension to a field path (country, tier: the value itself; group,
    competency: the related object, reached further by ``__slug`` and ``__name``). A dimension
    that does not apply to this figure is left out.
    """

    queryset: Callable[[], QuerySet]
    date: str
    dims: dict[str, str]
    counted: str = "pk"
    value: str | None = None


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    help: str
    sources: tuple[Source, ...] = field(default_factory=tuple)
    is_value: bool = False
    # The DealDayRollup column that holds this figure, when there is one.
    rollup: str | None = None

    def applies(self, dimension: str) -> bool:
        return all(dimension in source.dims for source in self.sources)


def _published_threads() -> QuerySet:
    return Thread.objects.filter(status=PostStatus.PUBLISHED)


def _published_replies() -> QuerySet:
    return Reply.objects.filter(status=PostStatus.PUBLISHED)


ACTIVE_MEMBERS = Metric(
    "active_members",
    gettext_lazy("Active members"),
    gettext_lazy("People who published a thread or a reply."),
    sources=(
        Source(
            _published_threads,
            "created_at",
            {
                "country": "author_company__hq_country",
                "tier": "author_company__tier",
                "group": "group",
            },
            counted="author_id",
        ),
        Source(
            _published_replies,
            "created_at",
            {
                "country": "author_company__hq_country",
                "tier": "author_company__tier",
                "group": "thread__group",
            },
            counted="author_id",
        ),
    ),
)
REQUESTS = Metric(
    "requests",
    gettext_lazy("Find-a-partner requests"),
    gettext_lazy("Requests posted."),
    sources=(
        Source(
            FindPartnerRequest.objects.all,
            "created_at",
            {
                "country": "company__hq_country",
                "tier": "company__tier",
                "group": "thread__group",
                "competency": "competencies",
            },
        ),
    ),
)
RESPONSES = Metric(
    "responses",
    gettext_lazy("Responses"),
    gettext_lazy("Companies that answered a request (each opens a private collaboration)."),
    sources=(
        Source(
            lambda: Collaboration.objects.filter(request__isnull=False),
            "created_at",
            {
                "country": "responding_company__hq_country",
                "tier": "responding_company__tier",
                "group": "request__thread__group",
                "competency": "request__competencies",
            },
        ),
    ),
)
COLLABORATIONS = Metric(
    "collaborations",
    gettext_lazy("Collaborations"),
    gettext_lazy("Private collaborations opened, in answer to a request or directly."),
    sources=(
        Source(
            Collaboration.objects.all,
            "created_at",
            {
                "country": "responding_company__hq_country",
                "tier": "responding_company__tier",
                "group": "request__thread__group",
                "competency": "request__competencies",
            },
        ),
    ),
)
REFERRALS = Metric(
    "referrals",
    gettext_lazy("Referrals"),
    gettext_lazy("Referrals one company made to another."),
    sources=(
        Source(
            Referral.objects.all,
            "created_at",
            {
                "country": "from_company__hq_country",
                "tier": "from_company__tier",
                "group": "thread__group",
            },
        ),
    ),
)

_DEAL_DIMS = {
    "country": "company__hq_country",
    "tier": "company__tier",
    "group": "source_thread__group",
    "competency": "competencies",
}
REGISTRATIONS = Metric(
    "registrations",
    gettext_lazy("Deal registrations"),
    gettext_lazy("Registrations submitted to the program."),
    sources=(
        Source(
            lambda: DealRegistration.objects.filter(submitted_at__isnull=False),
            "submitted_at",
            _DEAL_DIMS,
        ),
    ),
    rollup="submitted",
)
APPROVED = Metric(
    "approved",
    gettext_lazy("Approved"),
    gettext_lazy("Registrations the program approved."),
    sources=(
        Source(
            lambda: DealRegistration.objects.filter(approved_at__isnull=False),
            "approved_at",
            _DEAL_DIMS,
        ),
    ),
    rollup="approved",
)
WON = Metric(
    "won",
    gettext_lazy("Won"),
    gettext_lazy("Registrations closed as won."),
    sources=(
        Source(
            lambda: DealRegistration.objects.filter(status=DealStatus.WON),
            "closed_at",
            _DEAL_DIMS,
        ),
    ),
    rollup="won",
)
WON_VALUE = Metric(
    "won_value",
    gettext_lazy("Won value"),
    gettext_lazy("Value of the registrations closed as won, in the chosen currency."),
    sources=(
        Source(
            lambda: DealRegistration.objects.filter(status=DealStatus.WON),
            "closed_at",
            {**_DEAL_DIMS, "currency": "currency"},
            value="value",
        ),
    ),
    is_value=True,
    rollup="won_value",
)

FUNNEL_METRICS: tuple[Metric, ...] = (
    ACTIVE_MEMBERS,
    REQUESTS,
    RESPONSES,
    COLLABORATIONS,
    REFERRALS,
    REGISTRATIONS,
    APPROVED,
    WON,
    WON_VALUE,
)


def day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The first moment of ``start`` and the first moment after ``end``, in the portal's time
    zone (a range the date indexes can serve)."""
    zone = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=zone),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone),
    )


def filter_source(queryset: QuerySet, source: Source, filters) -> QuerySet | None:
    """The source's rows within the filters' dates and dimensions; None when a filter does not
    apply to this source (the figure is then shown as not applicable, never as a wrong 0)."""
    start, end = day_bounds(filters.start, filters.end)
    queryset = queryset.filter(**{f"{source.date}__gte": start, f"{source.date}__lt": end})
    wanted = {
        "country": filters.country or None,
        "tier": filters.tier or None,
        "group": filters.group,
        "competency": filters.competency,
        # Values in different currencies are never added up: value figures take one.
        "currency": filters.currency if "currency" in source.dims else None,
    }
    for dimension, value in wanted.items():
        if value is None:
            continue
        path = source.dims.get(dimension)
        if path is None:
            return None
        queryset = queryset.filter(Q(**{path: value}))
    return queryset
