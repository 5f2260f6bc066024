"""The directory search: full-text matching, filters, facet counts, sorting and paging.

It takes parameters already validated (``directory.search_forms`` builds a `SearchParams`) and
answers data: the page's company cards, the counts and the facets. Links and labels for a page
are the views' work (``directory.views.search``), the API's JSON the API's.

    params.py    SearchParams and the sort orders
    filters.py   the words and each active filter as a condition on Company
    ordering.py  the sort orders, and "best match" for searches matching very many
    facets.py    each facet's counts under the other filters, cached
    cards.py     what a result shows of a company
    results.py   company_search: one page of results
"""

from directory.selectors.search.cards import CardCompetency, CompanyCard
from directory.selectors.search.facets import FacetValue
from directory.selectors.search.params import (
    SORT_NAME,
    SORT_NEWEST,
    SORT_RATING,
    SORT_RELEVANCE,
    SearchParams,
)
from directory.selectors.search.results import PAGE_SIZE, SearchResult, company_search

__all__ = [
    "PAGE_SIZE",
    "SORT_NAME",
    "SORT_NEWEST",
    "SORT_RATING",
    "SORT_RELEVANCE",
    "CardCompetency",
    "CompanyCard",
    "FacetValue",
    "SearchParams",
    "SearchResult",
    "company_search",
]
