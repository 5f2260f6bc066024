"""In what order a search lists companies: by relevance, rating, name or age.

"Best match" ranks every match while a search matches at most ``RANK_ALL_LIMIT`` companies.
Above that, ranking every match would cost what the matches number, so it ranks a bounded pool
of candidates by the same points (`ranked_pool`): the first ``RANK_POOL`` companies with a search
word in their name and the ``RANK_POOL`` best-rated matches. Those come first (a page or two); the
pages after them go on in the name-first order (name matches, then the others, each by rating:
see `name_first_ids`), which keeps frequent words cheap.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import (
    BooleanField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Value,
)

from directory.models import SEARCH_CONFIG, Company
from directory.selectors.search.facet_sql import FACET_ROW_ORDER, planned_rows, table_rows
from directory.selectors.search.filters import (
    facet_row_conditions,
    facet_row_ids,
    filtered,
    tsquery_text,
)
from directory.selectors.search.params import (
    SORT_NAME,
    SORT_NEWEST,
    SORT_RATING,
    SORT_RELEVANCE,
    SearchParams,
)
from directory.selectors.search.ranking import ranking_weights, score_expression, score_sql

# Above this many matches, relevance order is "name matches first, then by rating" instead of
# ranking every match (see name_first_ids): ranking tens of thousands of matches is slow.
RANK_ALL_LIMIT = 2_000
# The same with facet filters (see uses_name_first).
RANK_FACETED_LIMIT = 5_000
# Above RANK_ALL_LIMIT matches, how many candidates of each kind (name matches, best-rated
# matches) are ranked by points to fill the first page or two. One page's worth: the walk
# finding them is the one the name-first order took for a first page; ten pages' worth walked
# ten times as far, over a second at 1,000,000 companies for a word in 3% of them.
RANK_POOL = 20
# The name-first order first walks this many times a page's end of matches by rating.
NAME_FIRST_WALK = 10

# A search without words whose facet filters leave at most this many companies (counted
# exactly) may find its page among them through the facet rows' GIN indexes instead of walking a
# sort index past every company they reject; it does when that walk would be longer than the
# matches are many (`collects_matches`): the walk grows as the matches get rarer, collecting
# them as they get more.
COLLECT_LIMIT = 10_000
# Above it, the walk of the sort index stops after this many times the companies the page
# should take at the matches' density (`walked_page_ids`); the matches are collected instead.
# Matches spread evenly fill a page well within twice that; a walk cut short costs this many
# pages' walks before the collecting (at 100,000 companies an unrated industry by rating: 3-7
# ms at 5, 8-19 ms at 20).
WALK_MARGIN = 5

# A search with words and facet filters finds its matches through the filters' indexes alone,
# checking the words on each candidate's row, when the words match more than this many times
# the companies the filters leave (the planner's estimate, asked only when the words match more
# than this many times ``WORD_INDEX_MIN_CANDIDATES``: below, either way is quick). At 1,000,000
# companies, 30 searches with a competency or two and a country: up to a ratio of 11 the words'
# index was faster (25-50 ms against 32-54), from 20 on the rows (e.g. "migr" in 302,000
# companies, 3,213 candidates: 33 ms against 74).
WORD_INDEX_RATIO = 20
WORD_INDEX_MIN_CANDIDATES = 1_000


def _by_rating() -> tuple:
    return (F("rating_average").desc(nulls_last=True), "name", "id")


def ordered(queryset: QuerySet[Company], sort: str, terms: list[str]) -> QuerySet[Company]:
    """The companies in the chosen order; "best match" without words is by rating."""
    if sort == SORT_NAME:
        return queryset.order_by("name", "id")
    if sort == SORT_NEWEST:
        return queryset.order_by("-created_at", "-id")
    if sort == SORT_RATING or not terms:
        return queryset.order_by(*_by_rating())
    # The points of the published ranking rules (ranking.py), ties by rating then name.
    return queryset.annotate(score=score_expression(terms)).order_by("-score", *_by_rating())


def uses_name_first(*, sort: str, terms: list[str], count: int, faceted: bool = False) -> bool:
    """Whether "best match" over ``count`` matches is name-first rather than ranked.

    With facet filters (``faceted``) the ranked query starts from the facet rows' indexes, so
    its cost follows the companies the filters leave, not those the words match: up to
    ``RANK_FACETED_LIMIT`` matches it is cheaper than walking the rating index past every
    company that fails a filter (at 1,000,000 companies a word with two competencies and a
    country, 2,030 matches: 0.6 s ranked against 3.2 s name-first, under load 8).
    """
    return (
        count > (RANK_FACETED_LIMIT if faceted else RANK_ALL_LIMIT)
        and bool(terms)
        and sort == SORT_RELEVANCE
        and connection.vendor == "postgresql"
    )


def ranked_pool(
    filters: dict[str, Q], terms: list[str], *, count: int, end: int = RANK_POOL
) -> tuple[list[int], list[int] | None]:
    """The candidates ranked by points at the top of a search matching very many companies
    (``count``, exact or estimated), and the name-first order up to ``end`` when finding them
    read it (else None).

    The first ``RANK_POOL`` of the name-first order (a name match earns the most points) and the
    ``RANK_POOL`` best-rated matches (rating, tier and completeness earn the rest): two bounded
    walks whatever the number of matches, each stopping as soon as it has its candidates.
    """
    if not RANK_POOL:
        return [], None
    matches = filtered(filters)
    walk_sql, walk_params = _walk_sql(matches, terms, max(RANK_POOL, RANK_POOL * NAME_FIRST_WALK))
    # One walk by rating for both: its first RANK_POOL, and its name matches up to the
    # RANK_POOL-th (for a word in many names, a few dozen companies in). The walk is read
    # as far as the longer of the two needs, once: where the matches are sorted rather than
    # walked, they are sorted once.
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH walk (pk, name_hit) AS MATERIALIZED ({walk_sql})"  # noqa: S608
            " (SELECT pk, false FROM walk LIMIT %s)"
            " UNION ALL (SELECT pk, true FROM walk WHERE name_hit LIMIT %s)",
            [*walk_params, RANK_POOL, RANK_POOL],
        )
        rows = cursor.fetchall()
    rated = [pk for pk, named in rows if not named]
    names = [pk for pk, named in rows if named]
    order = None
    if len(names) < RANK_POOL:
        # Read as far as the page after the pool needs it too: one reading for both.
        order = name_first_ids(filters, terms, offset=0, limit=max(RANK_POOL, end), count=count)
        names = order[:RANK_POOL]
    return list(dict.fromkeys([*names, *rated])), order


def name_first_ids(
    filters: dict[str, Q], terms: list[str], *, offset: int, limit: int, count: int
) -> list[int]:
    """One page of a search matching very many companies, without ranking every match.

    Companies with a search word in their name come first, then the other matches, each group
    by rating: the same promise as the ranked order (a name match beats a description match),
    but the cost does not grow with the number of matches. Two bounded parts, each stopping at
    the end of the page: the name matches by rating (a GIN index on the name, migration 0003,
    finds rare ones), and all matches by rating (walking the rating index, dense because there
    are many matches). If the first part is short it holds every name match, so the second part
    minus the first continues the order.
    """
    matches = filtered(filters)
    end = offset + limit
    walked = _name_first_walk(matches, terms, end, count=count)
    if walked is not None:
        return walked[offset:end]
    name_query = SearchQuery(
        " | ".join(f"'{term}':*" for term in terms), search_type="raw", config=SEARCH_CONFIG
    )
    # One word in the name implies the whole (one-word) query matches: skip that condition, or
    # PostgreSQL intersects the name index with every match of the full index.
    names = (
        (matches if len(terms) > 1 else filtered(filters, without="q"))
        .alias(name_vector=SearchVector("name", config=SEARCH_CONFIG))
        .filter(name_vector=name_query)
    )
    # The same order spelt so that no index yields it: name matches are found by the name
    # index and sorted (cost follows the name matches), never by walking the rating index and
    # computing each row's name vector, which the planner would pick for a word in many
    # descriptions but no name (it cannot estimate the name matches of a prefix well).
    unrated_last = ExpressionWrapper(Q(rating_average__isnull=True), output_field=BooleanField())
    by_rating_sorted = (unrated_last.asc(), F("rating_average").desc(), "name", "id")
    parts, params = [], []
    for group, (queryset, order) in enumerate(((names, by_rating_sorted), (matches, _by_rating()))):
        sql, part_params = (
            queryset.annotate(group=Value(group))
            .order_by(*order)
            .values_list("pk", "group", "rating_average", "name")[:end]
            .query.sql_with_params()
        )
        parts.append(f"({sql})")
        params.extend(part_params)
    # The parts are Django-compiled SQL whose values stay bound parameters.
    sql = f"""
        SELECT pk FROM (
            SELECT pk, min(grp) AS grp, rating, name
            FROM ({" UNION ALL ".join(parts)}) AS part (pk, grp, rating, name)
            GROUP BY pk, rating, name
        ) AS page
        ORDER BY grp, rating DESC NULLS LAST, name, pk LIMIT %s OFFSET %s
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, limit, offset])
        return [row[0] for row in cursor.fetchall()]


def _name_first_walk(
    matches: QuerySet[Company], terms: list[str], end: int, *, count: int
) -> list[int] | None:
    """The name-first order up to ``end`` from the first matches by rating, or None if unsure.

    Walks the rating index over the matches, at most ``NAME_FIRST_WALK`` times ``end`` of them,
    flagging name matches from the stored vector (the name is its only weight-A part), and
    stops at the ``end``-th name match. When a frequent word is in many names, the first
    ``end`` name matches by rating lie in that walk, whose cost follows the page, not the
    matches (with tens of thousands of names holding the word, far cheaper than the name
    index). When the matches (``count``) are fewer than the walk's bound, it meets them all and
    the whole order with them. Otherwise (a word in few names) None: the name index then finds
    those few names cheaply.
    """
    limit = end * NAME_FIRST_WALK
    if not limit:
        return None
    sql, params = _walk_sql(matches, terms, limit)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT pk FROM ({sql}) AS walk (pk, name_hit) WHERE name_hit LIMIT %s",  # noqa: S608
            [*params, end],
        )
        hits = [row[0] for row in cursor.fetchall()]
    if len(hits) >= end:
        return hits
    if count >= limit:
        return None
    return _name_first_from_walk(_walk_by_rating(matches, terms, limit), end, limit)


def _walk_sql(matches: QuerySet[Company], terms: list[str], limit: int) -> tuple[str, tuple]:
    """SQL of the first ``limit`` matches by rating: (id, whether a search word is in the
    name), Django-compiled, its values bound parameters."""
    weighted = SearchQuery(
        " | ".join(f"'{term}':*A" for term in terms), search_type="raw", config=SEARCH_CONFIG
    )
    return (
        matches.annotate(
            name_hit=ExpressionWrapper(Q(search_vector=weighted), output_field=BooleanField())
        )
        .order_by(*_by_rating())
        .values_list("pk", "name_hit")[:limit]
        .query.sql_with_params()
    )


def _walk_by_rating(matches: QuerySet[Company], terms: list[str], limit: int) -> list:
    """The first ``limit`` matches by rating: (id, whether a search word is in the name)."""
    sql, params = _walk_sql(matches, terms, limit)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _name_first_from_walk(rows: list, end: int, limit: int) -> list[int] | None:
    """The name-first order up to ``end`` from a walk of ``limit`` rows, or None if unsure."""
    hits = [pk for pk, hit in rows if hit]
    if len(hits) >= end:
        return hits[:end]
    if len(rows) < limit:
        return hits + [pk for pk, hit in rows if not hit]
    return None


def facet_rows_find(params: SearchParams, terms: list[str]) -> bool:
    """Whether the facet rows can find this search's matches: facet filters, no words, and
    PostgreSQL (`collected_page_ids`, and `walked_page_ids` falls back to them)."""
    return (
        not terms
        and bool(params.competency or params.industry or params.country)
        and connection.vendor == "postgresql"
    )


def collects_matches(
    *, params: SearchParams, terms: list[str], count: int, exact: bool, end: int
) -> bool:
    """Whether a page ending at ``end`` is found among the matches collected from the facet
    rows (`collected_page_ids`) rather than by walking a sort index.

    Collecting costs about one facet row per match; the walk passes ``end * rows / count``
    companies at the matches' density. At 100,000 companies a competency's 10,000 matches fill
    a first page within 200 companies walked (1 ms), where collecting them read 40,000 buffers
    (30 ms); three facets' 300 matches would need a walk of 7,000.
    """
    if not (exact and count <= COLLECT_LIMIT and facet_rows_find(params, terms)):
        return False
    with connection.cursor() as cursor:
        rows = table_rows(cursor)
    # An unanalyzed table (-1) is a small one: either way is cheap, collecting is exact.
    return rows <= 0 or count * count <= end * rows


def ranked_facet_rows_page(
    params: SearchParams,
    terms: list[str],
    levels: tuple[str, ...],
    *,
    offset: int,
    limit: int,
    counted: bool,
    word_matches: int,
) -> tuple[list[int], int | None]:
    """One page of a search with words (and any facet filters) in "best match" order, ranked
    on the facet rows, and how many match if ``counted`` (None when the page is past the end).

    The facet rows hold every column the ranking rules read (migrations 0009-0011), so the
    words' index and the filters' indexes intersect and the matches are ranked where they
    are found, with no company row fetched or claim probed per match. The order is
    `ordered`'s: points, then rating, name and id.

    When the words match far more companies (``word_matches``) than the filters leave, the
    filters' indexes alone find the candidates and the words are checked on their rows:
    gathering hundreds of thousands of matches from the words' index cost more than reading
    the few thousand rows (see `WORD_INDEX_RATIO`)."""
    conditions = facet_row_conditions(params, levels)
    every = "".join(f" AND {sql}" for sql, _ in conditions.values())
    values = [value for _, parameters in conditions.values() for value in parameters]
    score, score_params = score_sql(terms, ranking_weights(), facet_rows=True)
    total = "count(*) OVER ()" if counted else "NULL"
    words = "f.search_vector @@ to_tsquery(%s::regconfig, %s)"
    with connection.cursor() as cursor:
        if word_matches > WORD_INDEX_RATIO * WORD_INDEX_MIN_CANDIDATES:
            candidates = planned_rows(
                cursor,
                f"SELECT 1 FROM directory_search_facets f WHERE true{every}",  # noqa: S608
                values,
            )
            if word_matches > WORD_INDEX_RATIO * candidates:
                # Spelt so that no index can answer it: checked on each candidate's row.
                words = f"({words}) IS TRUE"
        # SQL of this module's and ranking's constants; the values are parameters.
        cursor.execute(
            f"SELECT f.company_id, {total} FROM directory_search_facets f"  # noqa: S608
            f" WHERE {words}{every}"
            f" ORDER BY {score} DESC, {FACET_ROW_ORDER[SORT_RATING]} LIMIT %s OFFSET %s",
            [
                SEARCH_CONFIG,
                tsquery_text(terms),
                *values,
                *score_params,
                limit,
                offset,
            ],
        )
        rows = cursor.fetchall()
    if not counted:
        return [pk for pk, _ in rows], None
    if not rows:
        return [], (0 if offset == 0 else None)
    return [pk for pk, _ in rows], rows[0][1]


def collected_page_ids(
    params: SearchParams, levels: tuple[str, ...], *, offset: int, limit: int
) -> list[int]:
    """One page of a search without words whose facet filters leave few companies: found and
    sorted on the facet rows, which carry the sort keys (the GIN indexes intersect every filter
    at once, then the matches are sorted). Its cost follows the matches, not how rare they
    are."""
    sql, values = facet_row_ids(params, levels)
    order = FACET_ROW_ORDER.get(params.sort, FACET_ROW_ORDER[SORT_RATING])
    with connection.cursor() as cursor:
        # SQL of this module's constants and facet_row_ids'; the values are parameters.
        cursor.execute(f"{sql} ORDER BY {order} LIMIT %s OFFSET %s", [*values, limit, offset])
        return [row[0] for row in cursor.fetchall()]


def walked_page_ids(
    filters: dict[str, Q], sort: str, *, offset: int, limit: int, count: int
) -> list[int] | None:
    """One page of a search without words by walking its sort index, or None when the walk
    went ``WALK_MARGIN`` times further than the matches' density says it should.

    A filter can correlate with the order, which the planner cannot see: in the bench's data
    one industry holds only unrated companies, so by rating its first match came after all
    667,000 rated companies (7 s). The walk is bounded instead, and the caller collects the
    matches from the facet rows (`collected_page_ids`), whose cost follows their number.
    """
    with connection.cursor() as cursor:
        rows = table_rows(cursor)
        condition = Q()
        for part in filters.values():
            condition &= part
        walk = ordered(
            Company.objects.annotate(
                passes=ExpressionWrapper(condition, output_field=BooleanField())
            ),
            sort,
            [],
        ).values_list("pk", "passes")
        if rows > 0:
            walk = walk[: int((offset + limit) * WALK_MARGIN * rows / max(count, 1)) + limit]
        sql, params = walk.query.sql_with_params()
        # The outer LIMIT stops the walk as soon as the page is full; the inner one bounds it.
        # Django-compiled SQL whose values stay bound parameters.
        page = f"SELECT pk FROM ({sql}) AS walk (pk, passes) WHERE passes LIMIT %s OFFSET %s"  # noqa: S608
        cursor.execute(page, [*params, limit, offset])
        ids = [row[0] for row in cursor.fetchall()]
    if len(ids) < limit and offset + len(ids) < count:
        return None  # the bound, or the end of an estimated count: collect to be sure
    return ids
