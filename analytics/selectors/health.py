"""Times and health: how fast requests get a first answer, and how the moderation queue fares."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from statistics import median

from django.db.models import Count, Min, Q

from analytics.selectors.metrics import REQUESTS, day_bounds, filter_source
from moderation.models import ItemStatus, ModerationItem


def median_duration(durations: list[timedelta]) -> timedelta | None:
    """The median of the durations (None for none)."""
    if not durations:
        return None
    return median(durations)


@dataclass
class ResponseTimes:
    requests: int
    answered: int
    median_first_response: timedelta | None


def response_times(*, filters) -> ResponseTimes | None:
    """For requests posted in the range: how many got an answer and the median time from the
    request to its first answer (None when a filter does not apply to requests)."""
    source = REQUESTS.sources[0]
    requests = filter_source(source.queryset(), source, filters)
    if requests is None:
        return None
    rows = list(
        requests.annotate(first=Min("collaborations__created_at"))
        .values_list("created_at", "first")
        .distinct()
    )
    waits = [first - created for created, first in rows if first is not None]
    return ResponseTimes(
        requests=len(rows), answered=len(waits), median_first_response=median_duration(waits)
    )


@dataclass
class ModerationHealth:
    items: int
    decided: int
    approved: int
    rejected: int
    escalated: int
    waiting: int
    median_wait: timedelta | None

    @property
    def escalated_share(self) -> float | None:
        return self.escalated / self.items if self.items else None


def moderation_health(*, filters) -> ModerationHealth | None:
    """Queue items that arrived in the range: decisions, escalations and the median wait for a
    decision. Only the group filter applies (None when another filter is set)."""
    if filters.country or filters.tier or filters.competency is not None:
        return None
    start, end = day_bounds(filters.start, filters.end)
    items = ModerationItem.objects.filter(created_at__gte=start, created_at__lt=end)
    if filters.group is not None:
        items = items.filter(group=filters.group)
    counts = items.aggregate(
        items=Count("pk"),
        approved=Count("pk", filter=Q(status=ItemStatus.APPROVED)),
        rejected=Count("pk", filter=Q(status=ItemStatus.REJECTED)),
        escalated=Count("pk", filter=Q(escalated_at__isnull=False)),
        waiting=Count("pk", filter=Q(status__in=[ItemStatus.OPEN, ItemStatus.ESCALATED])),
    )
    waits = [
        decided - created
        for created, decided in items.filter(decided_at__isnull=False).values_list(
            "created_at", "decided_at"
        )
    ]
    return ModerationHealth(decided=len(waits), median_wait=median_duration(waits), **counts)
