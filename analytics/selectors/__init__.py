"""Reads for /analytics/ and the scorecards. Program analytics are for staff only: the views
check ``analytics_access`` first; the figures below trust that it passed."""

from analytics.selectors.dashboard import (
    NOT_FOUND,
    TABLES,
    Dashboard,
    analytics_access,
    csv_rows,
    dashboard,
)
from analytics.selectors.funnel import breakdown, funnel, metric_counts, period_starts
from analytics.selectors.health import moderation_health, response_times
from analytics.selectors.metrics import FUNNEL_METRICS
from analytics.selectors.revenue import revenue

__all__ = [
    "FUNNEL_METRICS",
    "NOT_FOUND",
    "TABLES",
    "Dashboard",
    "analytics_access",
    "breakdown",
    "csv_rows",
    "dashboard",
    "funnel",
    "metric_counts",
    "moderation_health",
    "period_starts",
    "response_times",
    "revenue",
]
