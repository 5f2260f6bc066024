"""One page of a search: the matching companies' cards, how many match, and the facets."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from directory.selectors.search.cards import CompanyCard, company_cards
from directory.selectors.search.facets import FacetValue, search_facets
from directory.selectors.search.filters import filtered, search_filters, search_terms, viewer_levels
from directory.selectors.search.fuzzy import corrected_terms
from directory.selectors.search.ordering import name_first_ids, ordered, uses_name_first
from directory.selectors.search.params import SORT_RELEVANCE, SearchParams
from directory.selectors.search.ranking import (
    EXPLAINED_FIELDS,
    explanation_columns,
    rank_explanation,
    rank_explanations,
    ranking_weights,
)
from portal.paging import PageOutOfRange, check_page_exists

PAGE_SIZE = 20
# Fewer exact results than this and the search looks for a closer spelling ("did you mean").
FEW_RESULTS = 3


@dataclass
class SearchResult:
    companies: list[CompanyCard]
    count: int
    page: int
    num_pages: int
    page_size: int
    facets: dict[str, list[FacetValue]]
    params: SearchParams
    # Names these facet counts for a rendered-fragment cache: changes whenever they may.
    facets_key: str = ""
    # Facet counts, or the number of results, estimated from a sample (facet_sql).
    facets_approximate: bool = False
    count_approximate: bool = False
    # The closest known spelling searched instead when the words found nothing (fuzzy), and
    # one proposed when they found little.
    searched_for: str = ""
    did_you_mean: str = ""
    # True when "best match" meant name matches first, then by rating (see name_first_ids).
    name_first: bool = False

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def start_index(self) -> int:
        return (self.page - 1) * self.page_size + 1 if self.count else 0

    @property
    def end_index(self) -> int:
        return min(self.page * self.page_size, self.count)


def company_search(*, viewer, params: SearchParams) -> SearchResult:
    """Companies matching these validated parameters, one page, with facet counts.

    Raises PageOutOfRange (portal.paging) for a page past the end.
    """
    levels = viewer_levels(viewer)
    terms = search_terms(params.q)
    filters = search_filters(params, terms, levels)

    found = search_facets(params, terms, filters, levels)
    searched_for = did_you_mean = ""
    if params.q and found.total < FEW_RESULTS:
        corrected = corrected_terms(terms)
        if corrected and not found.total:
            # No exact hit: search the closest known spellings instead, and say so.
            fuzzy_filters = search_filters(params, corrected, levels)
            fuzzy = search_facets(params, corrected, fuzzy_filters, levels)
            if fuzzy.total:
                terms, filters, found = corrected, fuzzy_filters, fuzzy
                searched_for = " ".join(corrected)
        elif corrected:
            did_you_mean = " ".join(corrected)
    count = found.total
    num_pages = max(1, math.ceil(count / PAGE_SIZE))
    if not found.total_approximate:
        check_page_exists(number=params.page, num_pages=num_pages)

    companies: list[CompanyCard] = []
    name_first = uses_name_first(sort=params.sort, terms=terms, count=count)
    scored = bool(terms) and params.sort == SORT_RELEVANCE
    explanations: dict = {}
    if count:
        offset = (params.page - 1) * PAGE_SIZE
        if name_first:
            ids = name_first_ids(filters, terms, offset=offset, limit=PAGE_SIZE)
        elif scored:
            # Ordered by points: the page's ids come with what explains them, in one query.
            columns = explanation_columns(terms)
            rows = list(
                ordered(filtered(filters), params.sort, terms)
                .annotate(**columns)
                .values(*EXPLAINED_FIELDS, *columns)[offset : offset + PAGE_SIZE]
            )
            ids = [row["pk"] for row in rows]
            weights = ranking_weights()
            explanations = {row["pk"]: rank_explanation(row, weights) for row in rows}
        else:
            ordered_companies = ordered(filtered(filters), params.sort, terms)
            # Ids first: on PostgreSQL the sort indexes cover the filter columns, so walking past
            # non-matching rows reads the index alone; the page's rows are fetched by id after.
            ids = list(ordered_companies.values_list("pk", flat=True)[offset : offset + PAGE_SIZE])
        if not ids and found.total_approximate:
            # The number of pages was estimated: an empty page is the one past the end.
            raise PageOutOfRange(number=params.page, num_pages=num_pages)
        companies = company_cards(ids)
        if name_first:
            explanations = rank_explanations(ids, terms)
        if explanations:
            companies = [replace(card, ranking=explanations.get(card.pk)) for card in companies]
    return SearchResult(
        companies=companies,
        count=count,
        page=params.page,
        num_pages=num_pages,
        page_size=PAGE_SIZE,
        facets=found.values,
        params=params,
        name_first=name_first,
        facets_key=found.key,
        facets_approximate=found.approximate,
        count_approximate=found.total_approximate,
        searched_for=searched_for,
        did_you_mean=did_you_mean,
    )
