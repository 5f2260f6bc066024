"""The funnel: each figure for the whole range, per period, and broken down by a dimension."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Count, F, Sum
from django.db.models.functions import Trunc
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from analytics.selectors.metrics import Metric, Source, filter_source
from analytics.selectors.rolled import rollup_counts, rollup_table, rollup_usable

NOT_APPLICABLE = None
UNKNOWN = "Unknown"


def period_starts(*, period: str, start: date, end: date) -> list[date]:
    """The first day of every period (ISO week, month, quarter) that touches the range."""
    if period == "week":
        first = start - timedelta(days=start.weekday())
    elif period == "month":
        first = start.replace(day=1)
    else:
        first = start.replace(month=(start.month - 1) // 3 * 3 + 1, day=1)
    starts = []
    current = first
    while current <= end:
        starts.append(current)
        if period == "week":
            current += timedelta(days=7)
        else:
            step = 1 if period == "month" else 3
            month = current.month - 1 + step
            current = current.replace(year=current.year + month // 12, month=month % 12 + 1)
    return starts


def period_label(period: str, start: date) -> str:
    """A period's name in the reader's language: "Week of 1 Dec 2026", "Dec 2026", "Q4 2026"."""
    if period == "week":
        return gettext("Week of %(date)s") % {"date": date_format(start, "DATE_FORMAT")}
    if period == "month":
        return date_format(start, "YEAR_MONTH_FORMAT")
    return gettext("Q%(quarter)s %(year)s") % {
        "quarter": (start.month - 1) // 3 + 1,
        "year": start.year,
    }


def _as_date(value) -> date:
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def _key_expression(source: Source, grouping: str, period: str):
    if grouping == "period":
        return Trunc(source.date, period, tzinfo=timezone.get_current_timezone())
    path = source.dims[grouping]
    if grouping in ("group", "competency"):
        path = f"{path}__name"
    return F(path)


def metric_counts(
    *,
    metric: Metric,
    filters,
    grouping: str | None,
    rollup_built: bool = False,
    rolled: dict | None = None,
) -> dict | None:
    """The metric's figure per key (``None`` key: the whole range), or None when a filter or the
    grouping does not apply to it. Values are counts, or sums for value figures. Deal figures
    come from the rollup when it is built and the filters allow."""
    if grouping not in (None, "period") and not metric.applies(grouping):
        return None
    if metric.rollup and rollup_usable(filters=filters, grouping=grouping, built=rollup_built):
        if rolled is not None:  # the caller read every column at once
            counts = {key: columns[metric.rollup] for key, columns in rolled.items()}
        else:
            counts = rollup_counts(
                column=metric.rollup,
                filters=filters,
                grouping=grouping,
                with_currency=metric.is_value,
            )
        if grouping == "period":
            return {_as_date(key): value for key, value in counts.items()}
        return counts
    totals: dict = defaultdict(int)
    seen: dict = defaultdict(set)
    several = len(metric.sources) > 1
    for source in metric.sources:
        rows = filter_source(source.queryset(), source, filters)
        if rows is None:
            return None
        if grouping is not None:
            rows = rows.annotate(key=_key_expression(source, grouping, filters.period))
            keys = ["key"]
        else:
            keys = []
        if several:
            # A person active in two places counts once: distinct across the sources.
            for row in rows.values_list(*keys, source.counted).order_by().distinct():
                seen[row[0] if keys else None].add(row[-1])
            continue
        aggregate = Sum(source.value) if metric.is_value else Count(source.counted, distinct=True)
        if keys:
            for row in rows.values(*keys).annotate(n=aggregate).order_by():
                totals[row["key"]] += row["n"] or 0
        else:
            totals[None] += rows.aggregate(n=aggregate)["n"] or 0
    if several:
        return {key: len(members) for key, members in seen.items()}
    if grouping == "period":
        return {_as_date(key): value for key, value in totals.items()}
    return dict(totals)


def _rolled(*, filters, grouping: str, built: bool) -> dict | None:
    if not rollup_usable(filters=filters, grouping=grouping, built=built):
        return None
    return rollup_table(filters=filters, grouping=grouping)


@dataclass
class FunnelRow:
    metric: Metric
    total: int | Decimal | None
    per_period: list[int | Decimal | None]


@dataclass
class Funnel:
    periods: list[date]
    labels: list[str]
    rows: list[FunnelRow]


def funnel(*, metrics: tuple[Metric, ...], filters, rollup_built: bool = False) -> Funnel:
    """Every funnel figure for the range and for each period of it."""
    periods = period_starts(period=filters.period, start=filters.start, end=filters.end)
    rolled = _rolled(filters=filters, grouping="period", built=rollup_built)
    rows = []
    for metric in metrics:
        per_period = metric_counts(
            metric=metric,
            filters=filters,
            grouping="period",
            rollup_built=rollup_built,
            rolled=rolled,
        )
        if per_period is None:
            rows.append(FunnelRow(metric, NOT_APPLICABLE, [NOT_APPLICABLE] * len(periods)))
            continue
        per_period = {_as_date(key): value for key, value in per_period.items()}
        values = [per_period.get(start, 0) for start in periods]
        if len(metric.sources) == 1:
            # Each row falls in exactly one period: the total is their sum.
            total = sum(per_period.values(), 0)
        else:  # people active in two periods count once in the total
            total = metric_counts(metric=metric, filters=filters, grouping=None).get(None, 0)
        rows.append(FunnelRow(metric, total, values))
    labels = [period_label(filters.period, start) for start in periods]
    return Funnel(periods=periods, labels=labels, rows=rows)


@dataclass
class Breakdown:
    dimension: str
    metrics: list[Metric]
    rows: list[tuple[str, list[int | Decimal | None]]]


def breakdown(
    *, metrics: tuple[Metric, ...], filters, label_for=None, rollup_built: bool = False
) -> Breakdown:
    """Each figure per value of the chosen dimension (country, tier, group, competency),
    largest first by the first figure that applies."""
    dimension = filters.breakdown
    per_metric = [
        metric_counts(metric=metric, filters=filters, grouping=dimension, rollup_built=rollup_built)
        for metric in metrics
    ]
    keys = set()
    for counts in per_metric:
        keys.update((counts or {}).keys())
    rows = []
    for key in keys:
        values = [NOT_APPLICABLE if counts is None else counts.get(key, 0) for counts in per_metric]
        label = UNKNOWN if key in (None, "") else (label_for(key) if label_for else str(key))
        rows.append((label, values))

    def weight(row):
        return [-(value or 0) for value in row[1]], row[0]

    rows.sort(key=weight)
    return Breakdown(dimension=dimension, metrics=list(metrics), rows=rows)
