"""Business days (Monday to Friday) in the site's time zone, for referral follow-ups.

The site's time zone is ``settings.TIME_ZONE`` (UTC unless configured): a referral connects two
companies that may sit in different zones, so one clock decides for both. Public holidays are
not known and count as business days.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

SATURDAY = 5


def add_business_days(start: datetime, days: int) -> datetime:
    """The moment ``days`` business days after ``start``, at the same local time of day.

    A start on a weekend counts from the following Monday: an invitation sent on Saturday is
    3 business days old on Wednesday, like one sent on Friday at the same hour.
    """
    local = timezone.localtime(start, timezone.get_default_timezone())
    counted = 0
    while counted < days:
        # Aware arithmetic keeps the wall-clock time across a DST change.
        local += timedelta(days=1)
        if local.weekday() < SATURDAY:
            counted += 1
    return local
