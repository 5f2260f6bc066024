"""What a directory search is asked: its parameters, already validated at the edge.

``directory.search_forms`` validates the request's parameters for the page and the API alike
and builds a `SearchParams`; the selectors only read it.
"""

from __future__ import annotations

from dataclasses import dataclass

from directory.models import Competency, Industry

SORT_RELEVANCE = "relevance"
SORT_RATING = "rating"
SORT_NAME = "name"
SORT_NEWEST = "newest"


@dataclass(frozen=True)
class SearchParams:
    """One search: free text, the ticked facet values (any of each), sort order and page."""

    q: str = ""
    competency: tuple[Competency, ...] = ()
    industry: tuple[Industry, ...] = ()
    # ISO 3166-1 alpha-2 codes, upper-case.
    country: tuple[str, ...] = ()
    tier: str = ""
    # Only verified, unexpired claims count for the competency filter and facet.
    verified: bool = False
    sort: str = SORT_RELEVANCE
    page: int = 1
