"""Messages and helpers that more than one kind of collaboration write needs."""

from __future__ import annotations

from django.utils.translation import gettext_noop

NO_COMPANY = gettext_noop(
    "Join a partner company first: requests and collaborations are between companies."
)
REQUEST_CLOSED = gettext_noop("This request is closed.")
