"""Reading deal figures from the rollups (analytics.rollup) when the filters allow it."""

from __future__ import annotations

from datetime import datetime

from django.db.models import F, Q, Sum
from django.db.models.functions import Trunc

from analytics.models import (
    DealDayCompetencyRollup,
    DealDayGroupRollup,
    DealDayRollup,
    RollupFreshness,
)

ROLLED_GROUPINGS = (None, "period", "country", "tier", "group", "competency")


def rollup_freshness() -> datetime | None:
    """When the deal rollup was last refreshed (None: never built, figures are read live)."""
    return RollupFreshness.objects.filter(pk=1).values_list("refreshed_at", flat=True).first()


def _rollup_for(*, filters, grouping: str | None):
    """The rollup that keeps what the filters and grouping need: the competency rollup for a
    competency filter or breakdown, the group rollup for a group one, else the main rollup.
    None when both are needed at once (no rollup keeps competency and group together)."""
    competency = grouping == "competency" or filters.competency is not None
    group = grouping == "group" or filters.group is not None
    if competency and group:
        return None
    if competency:
        return DealDayCompetencyRollup
    if group:
        return DealDayGroupRollup
    return DealDayRollup


def rollup_usable(*, filters, grouping: str | None, built: bool) -> bool:
    """Whether the figures for these filters and grouping can come from a rollup (else they are
    read from the registrations themselves)."""
    return (
        built
        and grouping in ROLLED_GROUPINGS
        and _rollup_for(filters=filters, grouping=grouping) is not None
    )


def rollup_rows(*, filters, with_currency: bool, grouping: str | None = "period"):
    model = _rollup_for(filters=filters, grouping=grouping)
    rows = model.objects.filter(day__gte=filters.start, day__lte=filters.end)
    if filters.country:
        rows = rows.filter(country=filters.country)
    if filters.tier:
        rows = rows.filter(tier=filters.tier)
    if filters.competency is not None:
        rows = rows.filter(competency=filters.competency)
    if filters.group is not None:
        rows = rows.filter(group=filters.group)
    if with_currency:
        rows = rows.filter(currency=filters.currency)
    return rows


def _key(*, filters, grouping: str):
    """What the figures are summed by; group and competency by name, like the live count."""
    if grouping == "period":
        return Trunc("day", filters.period)
    if grouping in ("group", "competency"):
        return F(f"{grouping}__name")
    return F(grouping)


def rollup_table(*, filters, grouping: str | None) -> dict:
    """Every rollup column summed per key in one query: {key: {column: value}}. Counts take
    every currency; won value only the chosen one."""
    rows = rollup_rows(filters=filters, with_currency=False, grouping=grouping)
    sums = {
        "submitted": Sum("submitted"),
        "approved": Sum("approved"),
        "won": Sum("won"),
        "won_value": Sum("won_value", filter=Q(currency=filters.currency)),
    }
    if grouping is None:
        return {None: {column: value or 0 for column, value in rows.aggregate(**sums).items()}}
    return {
        row.pop("key"): {column: value or 0 for column, value in row.items()}
        for row in rows.annotate(key=_key(filters=filters, grouping=grouping))
        .values("key")
        .annotate(**sums)
        .order_by()
    }


def rollup_counts(*, column: str, filters, grouping: str | None, with_currency: bool) -> dict:
    """One rollup column summed per key, like ``metric_counts``."""
    rows = rollup_rows(filters=filters, with_currency=with_currency, grouping=grouping)
    if grouping is None:
        return {None: rows.aggregate(n=Sum(column))["n"] or 0}
    return {
        row["key"]: row["n"] or 0
        for row in rows.annotate(key=_key(filters=filters, grouping=grouping))
        .values("key")
        .annotate(n=Sum(column))
        .order_by()
    }
