"""A group's content version: a number that moves on whenever what the group shows changes.

Services bump it when they change a group's visible content; the group and thread pages put it
in the key of the page they cache for anonymous visitors, so a changed group is rebuilt at once.
"""

from django.core.cache import cache
from django.db import transaction

CONTENT_VERSION_KEY = "groups:content-version:{group_id}"


def content_version_get(*, group_id: int) -> int:
    """The group's current content version (0 until its content first changes)."""
    return cache.get(CONTENT_VERSION_KEY.format(group_id=group_id), 0)


def content_version_bump(*, group_id: int) -> None:
    """Move the group's content version on, once the transaction commits, so cached
    anonymous pages of the group are rebuilt."""

    def bump() -> None:
        key = CONTENT_VERSION_KEY.format(group_id=group_id)
        cache.add(key, 0, timeout=None)
        try:
            cache.incr(key)
        except ValueError:  # evicted between add and incr
            cache.set(key, 1, timeout=None)

    transaction.on_commit(bump)
