"""The directory's cached facet counts: the one home of their keys, version and invalidation.

Every entry is stored with the version that was current when it was counted. A write that may
change what the facets count replaces the version (``facet_cache_invalidate``), which makes
every older entry stale at once; nothing has to find and delete them.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache

# "v2": the counts carry the number of results and whether they are estimates (facet_sql);
# entries an older release cached in another shape are never read.
FACET_VERSION_KEY = "directory:facets:v2:version"
FACET_CACHE_SECONDS = 600

Counts = TypeVar("Counts")


def facet_cache_invalidate() -> None:
    """Forget every cached facet count; call after any write that changes what facets count."""
    cache.set(FACET_VERSION_KEY, uuid.uuid4().hex, None)


def facet_cache_key(signature: dict[str, Any]) -> str:
    """The cache key of the facet counts of one search, named by what decides them."""
    digest = hashlib.sha256(json.dumps(signature, sort_keys=True).encode()).hexdigest()
    return f"directory:facets:v2:{digest}"


def facet_cache_get_or_set(
    *, signature: dict[str, Any], count: Callable[[], Counts], keep: bool
) -> tuple[Counts, str]:
    """The counts cached for this search at the current version, else ``count()`` stored; and
    a name for them that changes whenever they may (key and version).

    ``keep`` stores them until the version changes rather than for ``FACET_CACHE_SECONDS``.
    """
    key = facet_cache_key(signature)
    # One round trip for the version and the entry; an entry of another version is stale.
    found = cache.get_many([FACET_VERSION_KEY, key])
    version = found.get(FACET_VERSION_KEY) or cache.get_or_set(
        FACET_VERSION_KEY, lambda: uuid.uuid4().hex, None
    )
    stored = found.get(key)
    if stored is not None and stored[0] == version:
        counts = stored[1]
    else:
        counts = count()
        cache.set(key, (version, counts), None if keep else FACET_CACHE_SECONDS)
    return counts, f"{key}:{version}"
