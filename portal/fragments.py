"""Rendered fragments of a page (a reply, a thread row) cached under a key made of what they show.

A fragment's key is a digest of every value its template displays, so a fragment is never
stale: an edit, a vote, a moderation decision or a renamed author makes a new key, and the old
entry simply expires. Nothing has to be invalidated, and a cache that loses entries, or the
process-memory fallback while Redis is down (``portal/cache.py``), costs a render, never a wrong
page. A fragment holds nothing about one viewer: what differs between viewers (voted or not, may
vote, may edit, may accept) is part of the key as plain flags, and a form's CSRF token is
rendered as a placeholder that each page swaps for its viewer's own token.
"""

import functools
import hashlib
from collections.abc import Callable, Sequence
from typing import Any

from django.core.cache import cache
from django.middleware.csrf import get_token
from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.safestring import SafeString, mark_safe

FRAGMENT_TIMEOUT = 60 * 60
_KEY_PREFIX = "fragment:"
# What Django's {% csrf_token %} renders.
_CSRF_INPUT = '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'


def _csrf_placeholder() -> str:
    return "csrf-" + salted_hmac("portal.fragments", "csrf-placeholder").hexdigest()[:24]


@functools.cache
def _template_digest(names: tuple[str, ...]) -> str:
    """The templates' own source, so that a deploy changing them never serves old fragments."""
    sources = "".join(get_template(name).template.source for name in names)
    return hashlib.sha256(sources.encode()).hexdigest()


def fragments_render(
    *,
    request,
    template_name: str,
    includes: tuple[str, ...] = (),
    shared: dict[str, Any],
    items: Sequence[Any],
    key_of: Callable[[Any], tuple],
    context_of: Callable[[Any], dict],
) -> list[SafeString]:
    """Render `template_name` once for each item, reusing cached renders with the same key.

    ``shared`` is the context every item gets; ``key_of(item)`` must return every other value
    the template shows for the item, and ``context_of(item)`` the item's own context. Neither
    may hold who the viewer is, only flags about them. ``includes`` names the templates that
    `template_name` includes, whose source is part of the key with its own.
    """
    # The language and the time zone are part of the key: a fragment's words, date formats and
    # times are the viewer's.
    prefix = repr(
        (
            _template_digest((template_name, *includes)),
            translation.get_language(),
            timezone.get_current_timezone_name(),
            sorted(shared.items()),
        )
    )
    keys = [
        _KEY_PREFIX + hashlib.sha256((prefix + repr(key_of(item))).encode()).hexdigest()
        for item in items
    ]
    found = cache.get_many(keys) if keys else {}
    missing = {}
    placeholder = _csrf_placeholder()
    template = None
    for item, key in zip(items, keys, strict=True):
        if key not in found:
            template = template or get_template(template_name)
            context = {**shared, **context_of(item), "csrf_token": placeholder}
            found[key] = missing[key] = template.render(context)
    if missing:
        cache.set_many(missing, FRAGMENT_TIMEOUT)
    # The whole hidden input, which sanitized member text can never contain (its "<" is
    # escaped), so only the forms' own tokens are swapped.
    marker = _CSRF_INPUT.format(placeholder)
    token_input = None
    rendered = []
    for key in keys:
        html = found[key]
        if marker in html:
            token_input = token_input or _CSRF_INPUT.format(get_token(request))
            html = html.replace(marker, token_input)
        rendered.append(mark_safe(html))  # noqa: S308 - our own template's output
    return rendered
