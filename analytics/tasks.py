"""Thin Celery tasks for analytics: the nightly scorecards and the tier-change email."""

from datetime import date
from smtplib import SMTPException

from celery import shared_task
from django.core.cache import cache

from analytics import rollup, services
from analytics.models import TierProposal


@shared_task(acks_late=True)
def scorecards_compute() -> int:
    """Nightly (beat): every company's scorecard for today and the tier proposals; a second run
    the same day replaces the first."""
    return services.scorecards_compute()


@shared_task(
    acks_late=True,
    autoretry_for=(SMTPException, ConnectionError),
    max_retries=5,
    retry_backoff=True,
)
def tier_change_notify(*, proposal_id: int) -> int:
    """Email a company's admins its new tier; the proposal's notified_at guards against twice."""
    proposal = TierProposal.objects.filter(pk=proposal_id).first()
    if proposal is None:
        return 0
    return services.tier_change_notify(proposal=proposal)


@shared_task(acks_late=True)
def deal_rollup_refresh_recent() -> int:
    """Every ten minutes (beat): the deal rollup's last days, where approvals and wins land."""
    return rollup.deal_rollup_refresh_recent()


@shared_task(acks_late=True)
def deal_rollup_rebuild() -> int:
    """Nightly (beat), and on demand from /analytics/: the whole deal rollup again."""
    return rollup.deal_rollup_refresh()


@shared_task(acks_late=True)
def deal_rollup_refresh_day(*, day: str) -> int:
    """After a registration's status changed: that day's rollup rows (``day``: YYYY-MM-DD)."""
    # Cleared before reading, so a change committed after this read queues the next rebuild.
    cache.delete(rollup.rollup_day_queued_key(day))
    return rollup.deal_rollup_refresh_day(day=date.fromisoformat(day))
