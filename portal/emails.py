"""What every email of the portal has in common with allauth's account emails."""

from collections.abc import Iterable
from contextlib import AbstractContextManager
from typing import TypeVar

from django.conf import settings
from django.utils import translation


def email_subject(text: str) -> str:
    """The subject with the portal's prefix (ACCOUNT_EMAIL_SUBJECT_PREFIX), so every email the
    portal sends is recognisable in an inbox."""
    return f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{text}"


def absolute_url(path: str) -> str:
    """The public address of a path on the portal (SITE_URL, never the request's host), for
    links in emails."""
    return f"{settings.SITE_URL}{path}"


def recipient_language(recipient) -> str:
    """The language an email to this person is written in: their profile setting, else the
    portal's default (never the language of whichever request caused the email)."""
    language = getattr(recipient, "language", "") or ""
    supported = {code for code, _ in settings.LANGUAGES}
    return language if language in supported else settings.LANGUAGE_CODE


Recipient = TypeVar("Recipient")


def by_language(recipients: Iterable[Recipient]) -> dict[str, list[Recipient]]:
    """The recipients grouped by the language their emails are written in, so that an email
    to many is rendered once per language rather than once per person."""
    groups: dict[str, list[Recipient]] = {}
    for recipient in recipients:
        groups.setdefault(recipient_language(recipient), []).append(recipient)
    return groups


def in_language_of(recipient) -> AbstractContextManager:
    """Render an email's subject and body inside this block::

    with in_language_of(member):
        subject = gettext("...")
        body = render_to_string("app/email/thing.txt", context)
    """
    return translation.override(recipient_language(recipient))
