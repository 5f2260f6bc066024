"""A real Celery worker consuming from the real Redis broker."""

import pytest

from portal.tasks import ping


@pytest.mark.integration
def test_a_task_travels_through_redis_to_a_worker_and_back(redis_worker):
    result = ping.delay("hello from the test")

    assert result.get(timeout=20) == "hello from the test"
