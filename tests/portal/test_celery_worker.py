"""A real Celery worker consuming from the real Redis broker."""

import celery.contrib.testing.tasks  # noqa: F401 - registers celery.ping for the worker
import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings

from portal.celery import app as celery_app
from portal.tasks import ping


def _forget_result_backend() -> None:
    """Celery caches its result backend object; drop it so a changed setting takes effect."""
    celery_app._backend_cache = None
    celery_app._local.__dict__.pop("backend", None)


@pytest.fixture
def redis_worker():
    conf = celery_app.conf
    saved = {"task_always_eager": conf.task_always_eager, "result_backend": conf.result_backend}
    conf.task_always_eager = False
    conf.result_backend = settings.REDIS_URL
    _forget_result_backend()
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield
    finally:
        conf.update(saved)
        _forget_result_backend()


@pytest.mark.integration
def test_a_task_travels_through_redis_to_a_worker_and_back(redis_worker):
    result = ping.delay("hello from the test")

    assert result.get(timeout=20) == "hello from the test"
