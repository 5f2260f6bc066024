import shutil
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis
from celery.contrib.testing.worker import start_worker

from portal.celery import app as celery_app


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A redis-server process of the test's own, on a free loopback port: stop it, start it.

    Like docker-compose.yml's, it keeps an append-only file, so what it held survives a crash.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                *("redis-server", "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--dir", str(self.directory), "--save", ""),
                *("--appendonly", "yes", "--appendfsync", "always"),
            ],
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.1)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise
                time.sleep(0.01)
        client.close()

    def stop(self) -> None:
        """Kill it, as a crash would: no goodbye to its clients."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


@pytest.fixture
def private_redis(tmp_path):
    if shutil.which("redis-server") is None:
        pytest.fail("These tests start their own redis-server: apt-get install redis-server")
    server = RedisServer(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _forget_broker_connections() -> None:
    """Celery keeps its connection and producer pools; drop them so a new broker_url counts."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def portal_on_private_redis(private_redis, settings):
    """The portal's cache and Celery broker on the private Redis, as in production: tasks are
    queued, not run eagerly. The cache tries Redis again at once after a failure."""
    conf = celery_app.conf
    # Read before Django's settings change: Celery's conf reads through to them.
    saved = {"broker_url": conf.broker_url, "task_always_eager": conf.task_always_eager}
    settings.CACHES = {
        "default": {
            "BACKEND": "portal.cache.FallbackRedisCache",
            "LOCATION": private_redis.url,
            "OPTIONS": {"RETRY_AFTER": 0},
        }
    }
    settings.CELERY_BROKER_URL = private_redis.url
    conf.broker_url = private_redis.url
    conf.task_always_eager = False
    _forget_broker_connections()
    try:
        yield private_redis
    finally:
        conf.update(saved)
        _forget_broker_connections()


@pytest.fixture
def worker_on_private_redis(portal_on_private_redis):
    """Start a real Celery worker on the private Redis (once it is up): `with worker(): ...`."""

    @contextmanager
    def worker():
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield

    return worker
