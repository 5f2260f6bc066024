"""Messages and helpers that more than one kind of collaboration write needs."""

from __future__ import annotations

NO_COMPANY = "Join a partner company first: requests and collaborations are between companies."
REQUEST_CLOSED = "This request is closed."
