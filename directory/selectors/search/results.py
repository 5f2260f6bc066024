"""One page of a search: the matching companies' cards, how many match, and the facets."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from django.db import connection
from django.db.models import Count, Q, QuerySet, Window

from directory.models import Company
from directory.selectors.search.cards import CompanyCard, company_cards
from directory.selectors.search.facets import FacetValue, search_facets
from directory.selectors.search.filters import filtered, search_filters, search_terms, viewer_levels
from directory.selectors.search.fuzzy import corrected_terms
from directory.selectors.search.ordering import (
    collected_page_ids,
    collects_matches,
    facet_rows_find,
    name_first_ids,
    ordered,
    ranked_facet_rows_page,
    ranked_pool,
    uses_name_first,
    walked_page_ids,
)
from directory.selectors.search.params import SORT_RELEVANCE, SearchParams
from directory.selectors.search.ranking import (
    RankExplanation,
    explained_facet_rows,
    rank_explanations,
)
from portal.paging import PageOutOfRange, check_page_exists

PAGE_SIZE = 20
# Fewer exact results than this and the search looks for a closer spelling ("did you mean").
FEW_RESULTS = 3
# A search with words whose number of results was estimated from a sample (facet_sql) is
# counted exactly by its page's own query when the estimate is at most this: that query reads
# every match anyway when it ranks them, and a count of a few thousand costs little beside.
COUNT_BY_PAGE_LIMIT = 2_000


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
    # True when "best match" matched too many to rank them all: a pool of candidates is ranked
    # by points for the first pages, then name matches first, then by rating (ordering.py).
    name_first: bool = False

    @property
    def matched_terms(self) -> list[str]:
        """The words the results were found by: the closest known spelling when the search
        fell back to it, else the search's own."""
        return search_terms(self.searched_for or self.params.q)

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

    offset = (params.page - 1) * PAGE_SIZE
    page = slice(offset, offset + PAGE_SIZE)
    found = search_facets(params, terms, filters, levels, page=page)
    searched_for = did_you_mean = ""
    # (An estimate from a sample may say none where a few match: it never calls for a fuzzy
    # search.)
    if params.q and not found.total_approximate and found.total < FEW_RESULTS:
        corrected = corrected_terms(terms)
        if corrected and not found.total:
            # No exact hit: search the closest known spellings instead, and say so.
            fuzzy_filters = search_filters(params, corrected, levels)
            fuzzy = search_facets(params, corrected, fuzzy_filters, levels, page=page)
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
    name_first = uses_name_first(
        sort=params.sort,
        terms=terms,
        count=count,
        faceted=bool(params.competency or params.industry or params.country),
    )
    scored = bool(terms) and params.sort == SORT_RELEVANCE
    count_by_page = (
        bool(terms) and found.total_approximate and count <= COUNT_BY_PAGE_LIMIT and not name_first
    )
    count_approximate = found.total_approximate
    explanations: dict = {}
    if count or count_by_page:
        counted = None
        if found.page_ids is not None:
            # Counting the results found this page among them already.
            ids = found.page_ids
        elif name_first:
            ids, explanations = _pooled_page(filters, terms, offset=offset, count=count)
        elif scored and connection.vendor == "postgresql":
            ids, counted = ranked_facet_rows_page(
                params,
                terms,
                levels,
                offset=offset,
                limit=PAGE_SIZE,
                counted=count_by_page,
                word_matches=found.word_matches,
            )
            explanations = rank_explanations(ids, terms) if ids else {}
        elif scored:
            # The embedded default (SQLite), whose counts are never estimates.
            ids, explanations = _ranked_page(filtered(filters), terms, offset=offset)
        elif collects_matches(
            params=params,
            terms=terms,
            count=count,
            exact=not found.total_approximate,
            end=offset + PAGE_SIZE,
        ):
            ids = collected_page_ids(params, levels, offset=offset, limit=PAGE_SIZE)
        elif facet_rows_find(params, terms):
            # Many matches: walk a sort index, bounded, else collect them all the same.
            ids = walked_page_ids(filters, params.sort, offset=offset, limit=PAGE_SIZE, count=count)
            if ids is None:
                ids = collected_page_ids(params, levels, offset=offset, limit=PAGE_SIZE)
        else:
            ordered_companies = ordered(filtered(filters), params.sort, terms)
            # Ids first: on PostgreSQL the sort indexes cover the filter columns, so walking past
            # non-matching rows reads the index alone; the page's rows are fetched by id after.
            ids, counted = _page_ids(ordered_companies, offset=offset, counted=count_by_page)
        if counted is not None:
            count, count_approximate = counted, False
            num_pages = max(1, math.ceil(count / PAGE_SIZE))
        if not ids and count_approximate:
            # The number of pages was estimated: an empty page is the one past the end.
            raise PageOutOfRange(number=params.page, num_pages=num_pages)
        companies = company_cards(ids)
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
        count_approximate=count_approximate,
        searched_for=searched_for,
        did_you_mean=did_you_mean,
    )


def _page_ids(
    companies: QuerySet[Company], *, offset: int, counted: bool
) -> tuple[list[int], int | None]:
    """The ids of one page of these ordered companies, and, if ``counted``, how many there are
    in all (None when the page is past the end: the page had no row to say it)."""
    page = slice(offset, offset + PAGE_SIZE)
    if not counted:
        return list(companies.values_list("pk", flat=True)[page]), None
    rows = list(companies.annotate(total=Window(Count("*"))).values_list("pk", "total")[page])
    if not rows:
        return [], (0 if offset == 0 else None)
    return [pk for pk, _ in rows], rows[0][1]


def _ranked_page(
    companies: QuerySet[Company], terms: list[str], *, offset: int
) -> tuple[list[int], dict[int, RankExplanation]]:
    """One page of these companies ordered by points (on the company rows: the embedded
    default), with what explains each, read for the page's companies only: asked of every
    match in the ranking query, they doubled its cost per match."""
    ids, _ = _page_ids(ordered(companies, SORT_RELEVANCE, terms), offset=offset, counted=False)
    return ids, (rank_explanations(ids, terms) if ids else {})


def _pooled_page(
    filters: dict[str, Q], terms: list[str], *, offset: int, count: int
) -> tuple[list[int], dict[int, RankExplanation]]:
    """One page of "best match" over very many matches: the pool of candidates ranked by
    points first (ordering.ranked_pool), then the other matches in the name-first order."""
    end = offset + PAGE_SIZE
    pool, order = ranked_pool(filters, terms, count=count, end=end)
    ids: list[int] = []
    explanations: dict[int, RankExplanation] = {}
    if offset < len(pool):
        # The pool's companies passed the filters already: rank them by id alone.
        ranked = explained_facet_rows(pool, terms, ranked=slice(offset, end))
        ids = [pk for pk, _ in ranked]
        explanations = dict(ranked)
    if len(ids) < PAGE_SIZE:
        # The rest of the page follows the pool in the name-first order without the pool's
        # companies.
        start, limit = max(0, offset - len(pool)), PAGE_SIZE - len(ids)
        if order is not None:
            # Read up to ``end`` with the pool: enough, as it holds at most the pool's length
            # of the pool's companies.
            pooled = set(pool)
            rest = [pk for pk in order if pk not in pooled][start : start + limit]
        else:
            rest_filters = {**filters, "pool": ~Q(pk__in=pool)} if pool else filters
            rest = name_first_ids(rest_filters, terms, offset=start, limit=limit, count=count)
        ids += rest
        if rest:
            explanations.update(rank_explanations(rest, terms))
    return ids, explanations
