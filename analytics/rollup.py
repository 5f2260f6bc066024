"""The deal rollup: registrations counted per day, partner country, tier and currency, so that
/analytics/ reads a few thousand rows for a quarter instead of scanning a million.

``deal_rollup_refresh`` rebuilds the days from ``since`` (every ten minutes: the last days,
where approvals and wins land) or everything (nightly, and on demand from the page).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from analytics.models import DealDayRollup, RollupFreshness
from deals.models import DealRegistration, DealStatus

RECENT_DAYS = 7
_SOURCED = (
    Q(source_thread__isnull=False)
    | Q(source_request__isnull=False)
    | Q(source_collaboration__isnull=False)
    | Q(source_referral__isnull=False)
)
_ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=18, decimal_places=2))


def _grouped(field: str, since: date | None, **measures):
    zone = timezone.get_current_timezone()
    rows = DealRegistration.objects.filter(**{f"{field}__isnull": False})
    if since is not None:
        rows = rows.filter(**{f"{field}__gte": _start_of(since)})
    return (
        rows.annotate(day=TruncDate(field, tzinfo=zone))
        .values("day", "company__hq_country", "company__tier", "currency")
        .annotate(**measures)
        .order_by()
    )


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def _sum(condition: Q):
    return Coalesce(Sum("value", filter=condition), _ZERO)


@transaction.atomic
def deal_rollup_refresh(*, since: date | None = None) -> int:
    """Rebuild the rollup from ``since`` (every day when None); returns the rows written."""
    cells: dict[tuple, dict] = defaultdict(dict)

    def add(rows) -> None:
        for row in rows:
            key = (
                row.pop("day"),
                row.pop("company__hq_country") or "",
                row.pop("company__tier"),
                row.pop("currency"),
            )
            cells[key].update(row)

    add(_grouped("submitted_at", since, submitted=Count("pk")))
    add(_grouped("approved_at", since, approved=Count("pk")))
    won = Q(status=DealStatus.WON)
    add(
        _grouped(
            "closed_at",
            since,
            won=Count("pk", filter=won),
            won_value=_sum(won),
            won_sourced=_sum(won & _SOURCED),
            won_influenced=_sum(won & ~_SOURCED & Q(is_influenced=True)),
            won_other=_sum(won & ~_SOURCED & Q(is_influenced=False)),
        )
    )
    stale = DealDayRollup.objects.all()
    if since is not None:
        stale = stale.filter(day__gte=since)
    stale.delete()
    DealDayRollup.objects.bulk_create(
        [
            DealDayRollup(day=day, country=country, tier=tier, currency=currency, **measures)
            for (day, country, tier, currency), measures in cells.items()
            if any(measures.values())
        ],
        batch_size=2000,
    )
    now = timezone.now()
    freshness = RollupFreshness.objects.filter(pk=1).first()
    if freshness is None:
        RollupFreshness.objects.create(pk=1, refreshed_at=now, rebuilt_at=now)
    elif since is None:
        RollupFreshness.objects.filter(pk=1).update(refreshed_at=now, rebuilt_at=now)
    else:
        RollupFreshness.objects.filter(pk=1).update(refreshed_at=now)
    return len(cells)


def deal_rollup_refresh_recent() -> int:
    """The last days only (a full rebuild when there has never been one)."""
    if not RollupFreshness.objects.filter(pk=1).exists():
        return deal_rollup_refresh()
    return deal_rollup_refresh(since=timezone.localdate() - timedelta(days=RECENT_DAYS))
