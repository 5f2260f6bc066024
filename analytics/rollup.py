"""The deal rollups: registrations counted per day, partner country, tier and currency (and,
in two more tables, per competency and per group), so that /analytics/ reads a few thousand
rows for a quarter instead of scanning a million.

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

from analytics.models import (
    DealDayCompetencyRollup,
    DealDayGroupRollup,
    DealDayRollup,
    RollupFreshness,
)
from deals.models import DealRegistration, DealStatus

RECENT_DAYS = 7
_SOURCED = (
    Q(source_thread__isnull=False)
    | Q(source_request__isnull=False)
    | Q(source_collaboration__isnull=False)
    | Q(source_referral__isnull=False)
)
_ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=18, decimal_places=2))


# Each rollup table and the registration field that adds its extra key (None: none).
ROLLUPS = (
    (DealDayRollup, None, None),
    (DealDayCompetencyRollup, "competency", "competencies"),
    (DealDayGroupRollup, "group", "source_thread__group"),
)


def _grouped(field: str, since: date | None, until: date | None, extra: str | None, **measures):
    zone = timezone.get_current_timezone()
    rows = DealRegistration.objects.filter(**{f"{field}__isnull": False})
    if since is not None:
        rows = rows.filter(**{f"{field}__gte": _start_of(since)})
    if until is not None:
        rows = rows.filter(**{f"{field}__lt": _start_of(until + timedelta(days=1))})
    keys = ["day", "company__hq_country", "company__tier", "currency", *([extra] if extra else [])]
    return (
        rows.annotate(day=TruncDate(field, tzinfo=zone))
        .values(*keys)
        .annotate(**measures)
        .order_by()
    )


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def _sum(condition: Q):
    return Coalesce(Sum("value", filter=condition), _ZERO)


def _cells(since: date | None, until: date | None, extra: str | None) -> dict[tuple, dict]:
    """The measures per key (day, country, tier, currency[, extra]) from the registrations."""
    cells: dict[tuple, dict] = defaultdict(dict)

    def add(rows) -> None:
        for row in rows:
            key = (
                row.pop("day"),
                row.pop("company__hq_country") or "",
                row.pop("company__tier"),
                row.pop("currency"),
                row.pop(extra) if extra else None,
            )
            cells[key].update(row)

    # A registration naming two competencies is in both competencies' rows, once in each.
    add(_grouped("submitted_at", since, until, extra, submitted=Count("pk")))
    add(_grouped("approved_at", since, until, extra, approved=Count("pk")))
    won = Q(status=DealStatus.WON)
    add(
        _grouped(
            "closed_at",
            since,
            until,
            extra,
            won=Count("pk", filter=won),
            won_value=_sum(won),
            won_sourced=_sum(won & _SOURCED),
            won_influenced=_sum(won & ~_SOURCED & Q(is_influenced=True)),
            won_other=_sum(won & ~_SOURCED & Q(is_influenced=False)),
        )
    )
    return cells


@transaction.atomic
def deal_rollup_refresh(*, since: date | None = None, until: date | None = None) -> int:
    """Rebuild the rollups for the days from ``since`` to ``until`` (both included; None: no
    bound, so every day when both are None); returns the rows written to the main rollup."""
    # One refresh at a time: two would both delete the same days, then both insert them.
    RollupFreshness.objects.select_for_update().filter(pk=1).first()
    written = 0
    for model, extra_field, extra_path in ROLLUPS:
        cells = _cells(since, until, extra_path)
        stale = model.objects.all()
        if since is not None:
            stale = stale.filter(day__gte=since)
        if until is not None:
            stale = stale.filter(day__lte=until)
        stale.delete()
        model.objects.bulk_create(
            [
                model(
                    day=day,
                    country=country,
                    tier=tier,
                    currency=currency,
                    **({f"{extra_field}_id": extra} if extra_field else {}),
                    **measures,
                )
                for (day, country, tier, currency, extra), measures in cells.items()
                if any(measures.values())
            ],
            batch_size=2000,
        )
        if model is DealDayRollup:
            written = len(cells)
    now = timezone.now()
    freshness = RollupFreshness.objects.filter(pk=1).first()
    if freshness is None:
        RollupFreshness.objects.create(pk=1, refreshed_at=now, rebuilt_at=now)
    elif since is None and until is None:
        RollupFreshness.objects.filter(pk=1).update(refreshed_at=now, rebuilt_at=now)
    elif until is None:
        RollupFreshness.objects.filter(pk=1).update(refreshed_at=now)
    return written


def deal_rollup_refresh_recent() -> int:
    """The last days only (a full rebuild when there has never been one)."""
    if not RollupFreshness.objects.filter(pk=1).exists():
        return deal_rollup_refresh()
    return deal_rollup_refresh(since=timezone.localdate() - timedelta(days=RECENT_DAYS))


def rollup_day_queued_key(day: str) -> str:
    """The cache key that marks a rebuild of ``day`` (YYYY-MM-DD) as queued (analytics.signals)."""
    return f"analytics:deal-rollup-day-queued:{day}"


def deal_rollup_refresh_day(*, day: date) -> int:
    """Just one day's rows (after a staff decision or a submission on that day). Nothing when
    the rollup has never been built: /analytics/ counts live until the first build."""
    if not RollupFreshness.objects.filter(pk=1).exists():
        return 0
    return deal_rollup_refresh(since=day, until=day)
