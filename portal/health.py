"""Liveness checks for the services the portal depends on."""

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from redis.exceptions import RedisError

from portal.cache import FallbackRedisCache
from portal.celery import app as celery_app


def database_status() -> str:
    """Return "ok" when the database answers a trivial query, else the error."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "down"; it is reported, not hidden
        return f"error: {exc.__class__.__name__}"
    return "ok"


def broker_status() -> str:
    """Return "ok" when the Celery broker accepts a connection, else the error."""
    if settings.CELERY_BROKER_URL.startswith("memory://"):
        return "ok"
    try:
        with celery_app.connection_for_write(url=settings.CELERY_BROKER_URL) as conn:
            # One immediate retry: kombu's default would first sleep on a refused connection.
            conn.ensure_connection(
                max_retries=1, interval_start=0, timeout=settings.HEALTHZ_BROKER_TIMEOUT
            )
    except Exception as exc:  # kombu raises several transport-specific errors
        return f"error: {exc.__class__.__name__}"
    return "ok"


def cache_status() -> str:
    """Return "ok" when the cache's Redis answers, else the error.

    The site keeps working without it (see portal/cache.py), so only this check tells.
    """
    backend = caches["default"]
    if not isinstance(backend, FallbackRedisCache):
        return "ok"  # an in-process cache cannot be unreachable
    try:
        backend.ping()
    except RedisError as exc:
        return f"error: {exc.__class__.__name__}"
    return "ok"
