"""Thin Celery tasks: the hourly run finds who is due and queues batches of ids."""

from datetime import datetime

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from digests.selectors import members_due
from digests.services import TransientMailError, digest_batch_send

BATCH_SIZE_DEFAULT = 500


def batch_size() -> int:
    return getattr(settings, "DIGEST_BATCH_SIZE", BATCH_SIZE_DEFAULT)


def chunks(ids: list[int], size: int) -> list[list[int]]:
    return [ids[i : i + size] for i in range(0, len(ids), size)]


@shared_task
def send_due_digests(now: str | None = None) -> int:
    """Queue one batch task per chunk of members whose digest is due now; returns how many."""
    moment = datetime.fromisoformat(now) if now else timezone.now()
    ids = list(members_due(now=moment).values_list("pk", flat=True))
    for chunk in chunks(ids, batch_size()):
        send_digest_batch.delay(member_ids=chunk, now=moment.isoformat())
    return len(ids)


@shared_task(bind=True, acks_late=True, max_retries=5)
def send_digest_batch(self, member_ids: list[int], now: str) -> dict[str, int]:
    """Send one batch; a retry (or a redelivery) skips whoever is already recorded."""
    try:
        result = digest_batch_send(member_ids=member_ids, now=datetime.fromisoformat(now))
    except TransientMailError as exc:
        raise self.retry(exc=exc, countdown=60 * (self.request.retries + 1)) from exc
    return {
        "sent": result.sent,
        "empty": result.empty,
        "failed": result.failed,
        "already_recorded": result.already_recorded,
    }
