"""Messages and helpers that more than one kind of collaboration write needs."""

from __future__ import annotations

from django.conf import settings

NO_COMPANY = "Join a partner company first: requests and collaborations are between companies."
REQUEST_CLOSED = "This request is closed."


def absolute_url(path: str) -> str:
    """The public address of a path, for links in emails."""
    return f"{settings.SITE_URL}{path}"
