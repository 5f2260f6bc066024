"""/analytics/ as one object: every figure for the filters, the charts drawn from them, and the
same figures as CSV rows."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django_countries import countries

from analytics import charts
from analytics.selectors.funnel import Breakdown, Funnel, breakdown, funnel
from analytics.selectors.health import (
    ModerationHealth,
    ResponseTimes,
    moderation_health,
    response_times,
)
from analytics.selectors.metrics import FUNNEL_METRICS
from analytics.selectors.revenue import Revenue, revenue
from analytics.selectors.rolled import rollup_freshness, rollup_usable
from directory.models import Tier
from portal.errors import NotFound

NOT_FOUND = "Page not found."
TABLES = ("funnel", "breakdown", "health", "revenue")


def analytics_access(*, user) -> None:
    """Program staff only; to everyone else /analytics/ does not exist."""
    if not (user.is_authenticated and user.is_staff):
        raise NotFound(NOT_FOUND)


DIMENSION_NAMES = {
    "country": gettext_noop("country"),
    "tier": gettext_noop("tier"),
    "group": gettext_noop("group"),
    "competency": gettext_noop("competency"),
}
PERIOD_NAMES = {
    "week": gettext_noop("week"),
    "month": gettext_noop("month"),
    "quarter": gettext_noop("quarter"),
}


def dimension_label(dimension: str) -> str:
    """A breakdown dimension's name in running text ("by country"), in the reader's language."""
    return gettext(DIMENSION_NAMES[dimension]) if dimension in DIMENSION_NAMES else dimension


def period_name(period: str) -> str:
    """A period's name in running text ("per month"), in the reader's language."""
    return gettext(PERIOD_NAMES[period]) if period in PERIOD_NAMES else period


def _dimension_label(dimension: str):
    if dimension == "country":
        return lambda code: f"{countries.name(code) or code} ({code})"
    if dimension == "tier":
        return lambda value: Tier(value).label if value in Tier.values else value
    return None


@dataclass
class Dashboard:
    filters: object
    computed_at: datetime
    rollup_refreshed_at: datetime | None
    deals_from_rollup: bool
    breakdown_from_rollup: bool
    funnel: Funnel
    breakdown: Breakdown
    response_times: ResponseTimes | None
    moderation: ModerationHealth | None
    revenue: Revenue | None

    @property
    def funnel_chart(self) -> charts.HorizontalBars:
        # Counts only: a value in money next to them would flatten every other bar.
        return charts.horizontal_bars(
            title=gettext("Funnel for the whole range (counts)"),
            items=[
                (row.metric.label, row.total) for row in self.funnel.rows if not row.metric.is_value
            ],
        )

    @property
    def breakdown_chart(self) -> charts.HorizontalBars | None:
        # The chart shows one figure: deal registrations where they apply and exist, else the
        # first figure with data; the table beside it has them all.
        applicable = [
            index
            for index, metric in enumerate(self.breakdown.metrics)
            if metric.applies(self.breakdown.dimension)
            and not metric.is_value
            and any(values[index] for _, values in self.breakdown.rows)
        ]
        if not applicable:
            return None
        keys = [self.breakdown.metrics[index].key for index in applicable]
        index = (
            applicable[keys.index("registrations")] if "registrations" in keys else applicable[0]
        )
        metric = self.breakdown.metrics[index]
        rows = sorted(self.breakdown.rows, key=lambda row: -(row[1][index] or 0))[:12]
        return charts.horizontal_bars(
            title=gettext("%(figure)s by %(dimension)s")
            % {"figure": metric.label, "dimension": dimension_label(self.breakdown.dimension)},
            items=[(label, values[index]) for label, values in rows],
        )

    @property
    def revenue_chart(self) -> charts.StackedColumns | None:
        if self.revenue is None:
            return None
        return charts.stacked_columns(
            title=gettext("Won value per %(period)s, %(currency)s")
            % {"period": period_name(self.filters.period), "currency": self.revenue.currency},
            labels=self.revenue.labels,
            series=self.revenue.series,
            currency=self.revenue.currency,
        )

    @property
    def moderation_chart(self) -> charts.HorizontalBars | None:
        if self.moderation is None:
            return None
        health = self.moderation
        return charts.horizontal_bars(
            title=gettext("Moderation decisions"),
            items=[
                (gettext("Approved"), health.approved),
                (gettext("Rejected"), health.rejected),
                (gettext("Escalated"), health.escalated),
                (gettext("Still waiting"), health.waiting),
            ],
        )


def dashboard(*, filters) -> Dashboard:
    """Every /analytics/ figure for the filters: community figures counted now, deal figures
    from the rollup when it is built and the filters allow (else counted now too)."""
    freshness = rollup_freshness()
    built = freshness is not None
    return Dashboard(
        filters=filters,
        computed_at=timezone.now(),
        rollup_refreshed_at=freshness,
        deals_from_rollup=rollup_usable(filters=filters, grouping="period", built=built),
        breakdown_from_rollup=rollup_usable(
            filters=filters, grouping=filters.breakdown, built=built
        ),
        funnel=funnel(metrics=FUNNEL_METRICS, filters=filters, rollup_built=built),
        breakdown=breakdown(
            metrics=FUNNEL_METRICS,
            filters=filters,
            label_for=_dimension_label(filters.breakdown),
            rollup_built=built,
        ),
        response_times=response_times(filters=filters),
        moderation=moderation_health(filters=filters),
        revenue=revenue(filters=filters, rollup_built=built),
    )


def _cell(value) -> object:
    return "n/a" if value is None else value


def _hours(duration: timedelta | None) -> object:
    return "" if duration is None else round(duration.total_seconds() / 3600, 1)


def csv_rows(*, table: str, filters) -> Iterator[list]:
    """One /analytics/ table as CSV rows (header first), for the same filters."""
    built = rollup_freshness() is not None
    if table == "funnel":
        data = funnel(metrics=FUNNEL_METRICS, filters=filters, rollup_built=built)
        yield ["Figure", "Total", *data.labels]
        for row in data.rows:
            yield [row.metric.label, _cell(row.total), *[_cell(v) for v in row.per_period]]
    elif table == "breakdown":
        data = breakdown(
            metrics=FUNNEL_METRICS,
            filters=filters,
            label_for=_dimension_label(filters.breakdown),
            rollup_built=built,
        )
        yield [filters.breakdown.capitalize(), *[metric.label for metric in data.metrics]]
        for label, values in data.rows:
            yield [label, *[_cell(v) for v in values]]
    elif table == "health":
        times = response_times(filters=filters)
        health = moderation_health(filters=filters)
        yield ["Figure", "Value"]
        if times is not None:
            yield ["Requests posted", times.requests]
            yield ["Requests answered", times.answered]
            yield ["Median hours to first response", _hours(times.median_first_response)]
        if health is not None:
            yield ["Moderation items", health.items]
            yield ["Approved", health.approved]
            yield ["Rejected", health.rejected]
            yield ["Escalated", health.escalated]
            yield ["Still waiting", health.waiting]
            yield ["Median hours waiting for a decision", _hours(health.median_wait)]
    elif table == "revenue":
        data = revenue(filters=filters, rollup_built=built)
        if data is None:
            yield ["Not applicable to these filters"]
            return
        yield [f"Attribution ({data.currency})", "Total", *data.labels]
        for key, label, values in data.series:
            yield [label, data.totals[key], *values]
    else:
        raise NotFound(NOT_FOUND)
