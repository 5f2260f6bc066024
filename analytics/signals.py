"""Cross-app hook: a deal registration's status changed, so that day's rollup rows are rebuilt
once the change is committed (/analytics/ shows a staff decision without waiting for the
ten-minute refresh).

Many decisions in a row (a bulk approval) queue one rebuild: a cache key marks a rebuild as
queued for the day, and the task clears the key *before* it reads, so a decision committed
after that read queues the next rebuild.
"""

from django.core.cache import cache
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone

from analytics import tasks as analytics_tasks
from analytics.rollup import rollup_day_queued_key
from deals.models import DealStatus
from deals.signals import registration_status_changed
from portal.queueing import enqueue_on_commit

# The statuses whose change /analytics/ counts (expiry changes no figure), and the field that
# dates the change: the rollup row of that day is the one to rebuild.
DATED_BY = {
    DealStatus.SUBMITTED: "submitted_at",
    DealStatus.APPROVED: "approved_at",
    DealStatus.REJECTED: "decided_at",
    DealStatus.WON: "closed_at",
    DealStatus.LOST: "closed_at",
}
QUEUED_FOR = 60  # seconds: a queued rebuild that never ran is forgotten after this


@receiver(registration_status_changed, dispatch_uid="analytics_deal_rollup_day")
def registration_status_changed_refresh(sender, registration, from_status, to_status, **kwargs):
    field = DATED_BY.get(to_status)
    if field is None:
        return
    when = getattr(registration, field) or timezone.now()
    day = timezone.localdate(when).isoformat()

    def queue() -> None:
        if cache.add(rollup_day_queued_key(day), True, timeout=QUEUED_FOR):
            enqueue_on_commit(
                analytics_tasks.deal_rollup_refresh_day,
                if_broker_down="the ten-minute refresh brings the figures up to date",
                day=day,
            )

    transaction.on_commit(queue)
