import time
from pathlib import Path
from types import SimpleNamespace

import celery.contrib.testing.tasks  # noqa: F401 - registers celery.ping for the test worker
import polib
import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core.cache import cache

from portal.celery import app as celery_app
from tests.factories import UserFactory


def pytest_configure(config):
    # Hashing with the production hasher costs ~0.3 s per user; tests create hundreds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    _compile_catalogs()


def _compile_catalogs() -> None:
    """Compile locale/*/LC_MESSAGES/django.po whose .mo is missing or older (.mo files are build
    products, not committed; `make run` and the Docker image run compilemessages). polib, a
    test dependency, does it so a bare `pytest` needs no gettext tools."""
    for po_path in Path(settings.BASE_DIR, "locale").glob("*/LC_MESSAGES/django.po"):
        mo_path = po_path.with_suffix(".mo")
        if not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
            polib.pofile(str(po_path)).save_as_mofile(str(mo_path))


def pytest_report_header(config):
    # Says which database a run uses: `make smoke` must be on SQLite, the main run on PostgreSQL.
    database = settings.DATABASES["default"]
    return f"database: {database['ENGINE'].rsplit('.', 1)[-1]} {database['NAME']}"


@pytest.fixture(autouse=True)
def _isolated_cache():
    """Rate-limit counters and cached facets live in the cache; each test starts clean."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def ratelimit_clock_held(monkeypatch):
    """django-ratelimit's clock held still, so that a burst of requests in a test never
    straddles the end of a rate window (each key's window ends at its own second of the
    minute): without it, 31 votes in a row were all allowed once in a while."""
    now = time.time()
    monkeypatch.setattr("django_ratelimit.core.time", SimpleNamespace(time=lambda: now))


@pytest.fixture
def member(db):
    return UserFactory()


@pytest.fixture
def staff(db):
    return UserFactory(is_staff=True, display_name="Program Staff")


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


def _forget_result_backend() -> None:
    """Celery caches its result backend object; drop it so a changed setting takes effect."""
    celery_app._backend_cache = None
    celery_app._local.__dict__.pop("backend", None)


@pytest.fixture
def redis_worker():
    """A real Celery worker thread consuming from the real Redis broker, results in Redis."""
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
