"""What every email of the portal has in common with allauth's account emails."""

from django.conf import settings


def email_subject(text: str) -> str:
    """The subject with the portal's prefix (ACCOUNT_EMAIL_SUBJECT_PREFIX), so every email the
    portal sends is recognisable in an inbox."""
    return f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{text}"


def absolute_url(path: str) -> str:
    """The public address of a path on the portal (SITE_URL, never the request's host), for
    links in emails."""
    return f"{settings.SITE_URL}{path}"
