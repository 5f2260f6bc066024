"""Side effects after commit: the one home of "queue this task once the write is saved"."""

from __future__ import annotations

import logging
from typing import Any

from celery import Task
from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue_on_commit(task: Task, /, *, if_broker_down: str, **kwargs: Any) -> None:
    """Queue ``task`` with ``kwargs`` once the current transaction commits, never before: a
    rolled-back write starts nothing. A broker that cannot be reached must not undo the saved
    write, so the failure is logged with ``if_broker_down`` (what happens instead) and the
    request goes on."""

    def enqueue() -> None:
        try:
            task.delay(**kwargs)
        except Exception as error:  # kombu raises many kinds for an unreachable broker
            logger.warning(
                "Could not queue %s(%s) (%s: %s); %s",
                task.name,
                ", ".join(f"{key}={value!r}" for key, value in sorted(kwargs.items())),
                error.__class__.__name__,
                error,
                if_broker_down,
            )

    transaction.on_commit(enqueue)
