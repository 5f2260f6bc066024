"""Reading deal figures from the rollup (analytics.rollup) when the filters allow it."""

from __future__ import annotations

from datetime import datetime

from django.db.models import F, Q, Sum
from django.db.models.functions import Trunc

from analytics.models import DealDayRollup, RollupFreshness

ROLLED_GROUPINGS = (None, "period", "country", "tier")


def rollup_freshness() -> datetime | None:
    """When the deal rollup was last refreshed (None: never built, figures are read live)."""
    return RollupFreshness.objects.filter(pk=1).values_list("refreshed_at", flat=True).first()


def rollup_usable(*, filters, grouping: str | None, built: bool) -> bool:
    """The rollup keeps country, tier and currency only: a group or competency filter or
    breakdown reads the registrations themselves."""
    return (
        built
        and grouping in ROLLED_GROUPINGS
        and filters.group is None
        and filters.competency is None
    )


def rollup_rows(*, filters, with_currency: bool):
    rows = DealDayRollup.objects.filter(day__gte=filters.start, day__lte=filters.end)
    if filters.country:
        rows = rows.filter(country=filters.country)
    if filters.tier:
        rows = rows.filter(tier=filters.tier)
    if with_currency:
        rows = rows.filter(currency=filters.currency)
    return rows


def rollup_table(*, filters, grouping: str | None) -> dict:
    """Every rollup column summed per key in one query: {key: {column: value}}. Counts take
    every currency; won value only the chosen one."""
    rows = rollup_rows(filters=filters, with_currency=False)
    sums = {
        "submitted": Sum("submitted"),
        "approved": Sum("approved"),
        "won": Sum("won"),
        "won_value": Sum("won_value", filter=Q(currency=filters.currency)),
    }
    if grouping is None:
        return {None: {column: value or 0 for column, value in rows.aggregate(**sums).items()}}
    key = Trunc("day", filters.period) if grouping == "period" else F(grouping)
    return {
        row.pop("key"): {column: value or 0 for column, value in row.items()}
        for row in rows.annotate(key=key).values("key").annotate(**sums).order_by()
    }


def rollup_counts(*, column: str, filters, grouping: str | None, with_currency: bool) -> dict:
    """One rollup column summed per key, like ``metric_counts``."""
    rows = rollup_rows(filters=filters, with_currency=with_currency)
    if grouping is None:
        return {None: rows.aggregate(n=Sum(column))["n"] or 0}
    key = Trunc("day", filters.period) if grouping == "period" else F(grouping)
    return {
        row["key"]: row["n"] or 0
        for row in rows.annotate(key=key).values("key").annotate(n=Sum(column)).order_by()
    }
