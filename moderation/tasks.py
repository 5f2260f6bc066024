"""Thin Celery tasks for moderation: they load ids and call a service."""

from celery import shared_task

from groups.models import Reply, Thread
from moderation import notifications, services

MODELS = {"thread": Thread, "reply": Reply}


@shared_task(acks_late=True, autoretry_for=(ConnectionError,), max_retries=5, retry_backoff=True)
def screen_post(*, kind: str, post_id: int) -> None:
    """Screen one new post (publish it or hold it in the queue)."""
    post = MODELS[kind].objects.filter(pk=post_id).select_related("author").first()
    if post is None:  # deleted meanwhile
        return
    services.post_screen(post=post)


@shared_task(acks_late=True)
def screen_waiting_posts() -> int:
    """Screen posts that were saved while the broker was unreachable."""
    waiting = services.posts_waiting_for_screening()
    for kind, post_id in waiting:
        screen_post.delay(kind=kind, post_id=post_id)
    return len(waiting)


@shared_task(acks_late=True, autoretry_for=(ConnectionError, OSError), max_retries=3)
def notify_moderators() -> int:
    """Email moderators whose queue has new items (at most one email an hour each)."""
    return notifications.moderators_notify()


@shared_task(acks_late=True, autoretry_for=(ConnectionError, OSError), max_retries=3)
def escalate_overdue_items() -> int:
    """Escalate items that waited too long to program staff and tell them."""
    return notifications.items_escalate_overdue()
