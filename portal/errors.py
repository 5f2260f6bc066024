"""Domain errors: what selectors and services raise when a viewer may not have a thing.

They know nothing of HTTP. `DomainErrorsMiddleware` (pages) and `api_exception_handler` (the
API) are the one place that turns them into answers: `NotFound` into 404, `NotPermitted` into
403. Anything a viewer may not know exists is `NotFound`, never `NotPermitted`.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import gettext
from rest_framework import exceptions as api_exceptions
from rest_framework.views import exception_handler


class NotFound(Exception):
    """It does not exist, or the viewer may not know that it does."""


class NotPermitted(Exception):
    """The viewer may see it, but may not do this."""


def as_http_error(error: Exception) -> Exception:
    """The Django exception that answers a domain error (the error itself otherwise)."""
    if isinstance(error, NotFound):
        return Http404(str(error))
    if isinstance(error, NotPermitted):
        return PermissionDenied(str(error))
    return error


class DomainErrorsMiddleware:
    """Answer a page whose view let a domain error through as 404 or 403, with its message."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        translated = as_http_error(exception)
        if translated is not exception:
            # Raised from here, Django's handler404 / handler403 render the answer.
            raise translated from exception


def api_exception_handler(exc: Exception, context: dict[str, Any]):
    """Django REST framework's handler, with domain errors answered as 404 and 403."""
    # A domain error's message is an English msgid, answered in the request's language.
    if isinstance(exc, NotFound):
        exc = api_exceptions.NotFound(_translated(exc))
    elif isinstance(exc, NotPermitted):
        exc = api_exceptions.PermissionDenied(_translated(exc))
    return exception_handler(exc, context)


def _translated(error: Exception) -> str | None:
    return gettext(str(error)) if str(error) else None
