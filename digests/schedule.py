"""When a digest is due: members' local time decides what "Monday morning" is.

A member is due from ``DIGEST_SEND_HOUR`` local time until the end of their local day (every
day for daily digests, Mondays for weekly ones). The hourly run therefore sends at about 07:00
local time, and a run that was interrupted is finished by the next hourly run the same day; the
sent record for the period makes sure nobody gets a second copy.
"""

import zoneinfo
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache, lru_cache

from django.conf import settings

from digests.models import Frequency

PERIOD_LENGTH = {Frequency.WEEKLY: timedelta(days=7), Frequency.DAILY: timedelta(days=1)}


@dataclass(frozen=True)
class Period:
    """One digest period of one member: its key in the sent records and where its content starts."""

    frequency: str
    key: str
    starts_at: datetime


def send_hour() -> int:
    return getattr(settings, "DIGEST_SEND_HOUR", 7)


def period_key(*, frequency: str, local: datetime) -> str:
    """The sent-record key of the period that contains this local moment."""
    if frequency == Frequency.WEEKLY:
        year, week, _ = local.isocalendar()
        return f"{year}-W{week:02d}"
    return local.date().isoformat()


def period_for(*, frequency: str, time_zone: str, now: datetime) -> Period:
    """The member's current period (weekly or daily) at this instant, in their time zone."""
    if frequency not in PERIOD_LENGTH:
        frequency = Frequency.WEEKLY
    local = now.astimezone(_zone(time_zone))
    return Period(
        frequency=frequency,
        key=period_key(frequency=frequency, local=local),
        starts_at=now - PERIOD_LENGTH[frequency],
    )


def zones_due(*, frequency: str, now: datetime) -> dict[str, list[str]]:
    """Time zone names in which a digest of this frequency is due now, by period key."""
    due: dict[str, list[str]] = {}
    for name in _zone_names():
        local = now.astimezone(_zone(name))
        if local.hour < send_hour():
            continue
        if frequency == Frequency.WEEKLY and local.weekday() != 0:
            continue
        due.setdefault(period_key(frequency=frequency, local=local), []).append(name)
    return due


@lru_cache(maxsize=1)
def _zone_names() -> tuple[str, ...]:
    return tuple(sorted(zoneinfo.available_timezones() | {"UTC"}))


@cache
def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")
