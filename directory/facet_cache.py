"""The directory's cached facet counts: the one home of their keys, versions and invalidation.

Every entry is stored with the versions that were current when it was counted. Two versions,
so that a write forgets only what it changes:

- the *facet* version names the facet rows (tier, competency claims and their verification,
  industries, countries and who sees them): every search counts them;
- the *text* version names the stored search vectors (names, descriptions, claims, tags,
  offerings): only searches with words depend on them.

A write replaces the version of what it changed (``facet_cache_forget``), which makes every
older entry depending on it stale at once; nothing has to find and delete them. A description
edit therefore keeps the counts of searches without words; a rating changes neither.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache

# "v4": keyed by two versions (facet rows, search text), countries and tiers unlabelled;
# entries an older release cached in another shape are never read.
FACET_VERSION_KEY = "directory:facets:v4:version"
TEXT_VERSION_KEY = "directory:facets:v4:text-version"
FACET_CACHE_SECONDS = 600

Counts = TypeVar("Counts")


def facet_cache_forget(*, facets: bool, text: bool) -> None:
    """Forget the cached counts that depend on the facet rows (every search) and/or on the
    search text (searches with words)."""
    versions = {}
    if facets:
        versions[FACET_VERSION_KEY] = uuid.uuid4().hex
    if text:
        versions[TEXT_VERSION_KEY] = uuid.uuid4().hex
    if versions:
        cache.set_many(versions, None)


def facet_cache_invalidate() -> None:
    """Forget every cached facet count: for writers that cannot tell what they changed."""
    facet_cache_forget(facets=True, text=True)


def facet_cache_key(signature: dict[str, Any]) -> str:
    """The cache key of the facet counts of one search, named by what decides them."""
    digest = hashlib.sha256(json.dumps(signature, sort_keys=True).encode()).hexdigest()
    return f"directory:facets:v4:{digest}"


def facet_cache_get_or_set(
    *, signature: dict[str, Any], count: Callable[[], Counts], keep: bool, text: bool
) -> tuple[Counts, str]:
    """The counts cached for this search at the current versions, else ``count()`` stored;
    and a name for them that changes whenever they may (key and versions).

    ``text`` says the search has words (its counts depend on the search text too); ``keep``
    stores them until a version changes rather than for ``FACET_CACHE_SECONDS``.
    """
    key = facet_cache_key(signature)
    # One round trip for the versions and the entry; an entry of other versions is stale.
    names = [FACET_VERSION_KEY, TEXT_VERSION_KEY] if text else [FACET_VERSION_KEY]
    found = cache.get_many([*names, key])
    missing = {name: uuid.uuid4().hex for name in names if not found.get(name)}
    if missing:
        # add(): a version another process set meanwhile wins; read back what is stored.
        for name, value in missing.items():
            cache.add(name, value, None)
        found.update(cache.get_many(list(missing)))
    version = ":".join(found.get(name) or missing[name] for name in names)
    stored = found.get(key)
    if stored is not None and stored[0] == version:
        counts = stored[1]
    else:
        counts = count()
        cache.set(key, (version, counts), None if keep else FACET_CACHE_SECONDS)
    return counts, f"{key}:{version}"
