"""Won value over time, split by attribution (docs/attribution.md): sourced, influenced only,
or neither; plus the value of referrals partners won from one another."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Case, CharField, Exists, OuterRef, Q, Sum, Value, When
from django.db.models.functions import Trunc
from django.utils import timezone
from django.utils.translation import gettext_lazy

from analytics.selectors.funnel import _as_date, period_label, period_starts
from analytics.selectors.metrics import WON_VALUE, day_bounds, filter_source
from analytics.selectors.rolled import rollup_rows, rollup_usable
from collaboration.models import Referral, ReferralEvent

CATEGORIES = [
    ("sourced", gettext_lazy("Sourced by the community")),
    ("influenced", gettext_lazy("Influenced by the community")),
    ("other", gettext_lazy("No community link")),
    ("referrals", gettext_lazy("Referrals won between partners")),
]


@dataclass
class Revenue:
    currency: str
    periods: list[date]
    labels: list[str]
    series: list[tuple[str, str, list[Decimal]]]  # key, label, value per period
    totals: dict[str, Decimal]

    @property
    def total(self) -> Decimal:
        return sum(self.totals.values(), Decimal("0"))


def _attribution():
    return Case(
        When(
            Q(source_thread__isnull=False)
            | Q(source_request__isnull=False)
            | Q(source_collaboration__isnull=False)
            | Q(source_referral__isnull=False),
            then=Value("sourced"),
        ),
        When(is_influenced=True, then=Value("influenced")),
        default=Value("other"),
        output_field=CharField(),
    )


def _from_rollup(*, filters, values) -> None:
    rows = (
        rollup_rows(filters=filters, with_currency=True)
        .annotate(bucket=Trunc("day", filters.period))
        .values("bucket")
        .annotate(
            sourced=Sum("won_sourced"), influenced=Sum("won_influenced"), other=Sum("won_other")
        )
        .order_by()
    )
    for row in rows:
        for kind in ("sourced", "influenced", "other"):
            values[kind][_as_date(row["bucket"])] += row[kind] or Decimal("0")


def revenue(*, filters, rollup_built: bool = False) -> Revenue | None:
    """Won value in the chosen currency per period and attribution (None when a filter does not
    apply)."""
    zone = timezone.get_current_timezone()
    source = WON_VALUE.sources[0]
    deals = filter_source(source.queryset(), source, filters)
    if deals is None:
        return None
    periods = period_starts(period=filters.period, start=filters.start, end=filters.end)
    values: dict[str, dict[date, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    if rollup_usable(filters=filters, grouping="period", built=rollup_built):
        _from_rollup(filters=filters, values=values)
    else:
        _from_deals(deals=deals, filters=filters, values=values, zone=zone)
    if filters.competency is None:  # referrals name no competency
        values["referrals"] = _referrals_won(filters=filters)
    series, totals = [], {}
    for key, label in CATEGORIES:
        per_period = [values[key].get(start, Decimal("0")) for start in periods]
        series.append((key, label, per_period))
        totals[key] = sum(per_period, Decimal("0"))
    return Revenue(
        currency=filters.currency,
        periods=periods,
        labels=[period_label(filters.period, start) for start in periods],
        series=series,
        totals=totals,
    )


def _from_deals(*, deals, filters, values, zone) -> None:
    rows = (
        deals.annotate(bucket=Trunc("closed_at", filters.period, tzinfo=zone), kind=_attribution())
        .values("bucket", "kind")
        .annotate(total=Sum("value"))
        .order_by()
    )
    for row in rows:
        values[row["kind"]][_as_date(row["bucket"])] += row["total"] or Decimal("0")


def _referrals_won(*, filters) -> dict[date, Decimal]:
    """Value of referrals marked won in the range, per period, by the referring company's
    country and tier and the thread's group (competency does not apply)."""
    start, end = day_bounds(filters.start, filters.end)
    won_events = ReferralEvent.objects.filter(
        referral=OuterRef("referral"),
        to_status=Referral.Status.WON,
        created_at__lt=OuterRef("created_at"),
    )
    events = ReferralEvent.objects.filter(
        to_status=Referral.Status.WON,
        created_at__gte=start,
        created_at__lt=end,
        referral__status=Referral.Status.WON,
        referral__currency=filters.currency,
    ).exclude(Exists(won_events))
    if filters.country:
        events = events.filter(referral__from_company__hq_country=filters.country)
    if filters.tier:
        events = events.filter(referral__from_company__tier=filters.tier)
    if filters.group is not None:
        events = events.filter(referral__thread__group=filters.group)
    rows = (
        events.annotate(
            bucket=Trunc("created_at", filters.period, tzinfo=timezone.get_current_timezone())
        )
        .values("bucket")
        .annotate(total=Sum("referral__value"))
        .order_by()
    )
    return {_as_date(row["bucket"]): row["total"] or Decimal("0") for row in rows}
