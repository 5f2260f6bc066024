# ruff: noqa: S608 - SQL text built from this module's constants; every value is a parameter
"""Facet counts on PostgreSQL: one grouped statement over the facet rows, exact or estimated.

Migration 0003 keeps one narrow row per company in ``directory_search_facets`` (arrays of
competency, industry and country values, GIN-indexed), right after every write. A search's
facets are drawn from the companies matching its words (or all of them); the planner's
estimate of how many there are decides:

- up to ``FACET_EXACT_LIMIT`` (``WORD_MATCHES_EXACT_LIMIT`` for a search with words): every
  facet counted exactly, each under the other active filters, and the number of results, in
  one statement whose cost follows those companies;
- more: the same statement over a sample, counts scaled up and marked approximate ("≈"). For a
  search with words the sample is their matches whose id hashes to 0 modulo 4, 16, 64 or 256
  (the first to hold at most about ``FACET_SAMPLE_MATCHES``), found through that sample's own
  partial index on the facet rows' copy of the search vector (migration 0010), so its cost
  follows the sample, not the matches. Without
  words it is ``TABLESAMPLE SYSTEM`` of about ``FACET_SAMPLE_ROWS`` companies (the same pages
  every time). Without words the number of results is then counted exactly up to
  ``COUNT_EXACT_LIMIT`` (through the GIN indexes, in the same reading as the page asked for,
  or the claims' index for a competency alone; one industry or one country alone from the
  facet values' index of migration 0013, which gives its page too, by rating even above the
  limit); with words the page's own query counts up to
  ``results.COUNT_BY_PAGE_LIMIT``.
  Above those it is the sample's, shown as "about N".

No cache is needed for speed: every search costs what a cached one did, and writes need not
forget anything for the counts to be right.
"""

from __future__ import annotations

import json
import time

from django.db import connection

from directory.models import SEARCH_CONFIG
from directory.selectors.search.filters import (
    VERIFIED_CLAIM_SQL,
    VERIFIED_CLAIMS_SQL,
    facet_row_conditions,
    facet_row_countries,
    tsquery_text,
)
from directory.selectors.search.params import SORT_NAME, SORT_NEWEST, SORT_RATING, SearchParams

# Counted exactly up to this many companies: the whole directory for a search without words,
# the words' matches for one with words (fewer: each match is a row read by primary key).
FACET_EXACT_LIMIT = 5_000
WORD_MATCHES_EXACT_LIMIT = 1_000
FACET_SAMPLE_ROWS = 3_000
FACET_SAMPLE_MATCHES = 1_000
# The partial indexes of migration 0010: one company in each of these, by a hash of its id.
SAMPLE_MODULI = (4, 16, 64, 256)
COUNT_EXACT_LIMIT = 10_000
TABLE_ROWS_SECONDS = 300
SAMPLE_SEED = 1
_table_rows_read: tuple[float, float] | None = None

_FACETS = ("competency", "industry", "country", "tier")

# Each order spelt on the facet rows (migration 0009), as ordering.ordered spells it on
# companies.
FACET_ROW_ORDER = {
    SORT_NAME: "f.name, f.company_id",
    SORT_NEWEST: "f.created_at DESC, f.company_id DESC",
    SORT_RATING: "f.rating_average DESC NULLS LAST, f.name, f.company_id",
}

# The same orders on the facet values (migration 0013), whose index is the first.
VALUE_ORDER = {
    SORT_RATING: "v.rating_average DESC NULLS LAST, v.name, v.company_id",
    SORT_NAME: "v.name, v.company_id",
    SORT_NEWEST: "v.created_at DESC, v.company_id DESC",
}


def _domain(
    terms: list[str], q: bool, sample_percent: float | None = None, modulus: int | None = None
) -> tuple[str, list]:
    """The facet rows a search's facets are drawn from: those matching its words, or all.

    A sample of them: without words, ``sample_percent`` of the pages; with words, one match in
    ``modulus`` by a hash of its id."""
    if not q:
        # The same pages every time (REPEATABLE): they stay in the buffer pool, so a search
        # never asked before reads them from memory, and an estimate does not change between
        # one page of results and the next.
        sample = (
            f" TABLESAMPLE SYSTEM ({sample_percent:.4f}) REPEATABLE ({SAMPLE_SEED})"
            if sample_percent is not None
            else ""
        )
        return f"directory_search_facets f{sample}", []
    # Spelt as the partial indexes' predicate, which the planner must recognize.
    sampled = (
        f" AND (hashint8(f.company_id) & {modulus - 1}) = 0" if modulus and modulus > 1 else ""
    )
    return (
        # The facet rows carry the search vector (migration 0010): no company row is read.
        "directory_search_facets f"
        f" WHERE f.search_vector @@ to_tsquery(%s::regconfig, %s){sampled}",
        [SEARCH_CONFIG, tsquery_text(terms)],
    )


def _sample_modulus(matches: float) -> int:
    """The sample of a word's matches holding at most about ``FACET_SAMPLE_MATCHES`` (the
    sparsest when even that holds more)."""
    for modulus in SAMPLE_MODULI:
        if matches / modulus <= FACET_SAMPLE_MATCHES:
            return modulus
    return SAMPLE_MODULI[-1]


def _sample_percent(table_rows: float) -> float:
    """The share of the companies (in percent) that holds about ``FACET_SAMPLE_ROWS``."""
    return min(100.0, 100.0 * FACET_SAMPLE_ROWS / max(table_rows, 1.0))


def facet_counts_postgresql(
    params: SearchParams, terms: list[str], levels: tuple[str, ...], *, page: slice
) -> dict:
    """Counts per facet value, the number of results, and whether either is an estimate.

    Competencies and industries come as (slug, name, count), countries and tiers as (value,
    count): their labels are the caller's. When the results of a search without words are
    counted exactly on the facet rows, the ids of its ``page`` of them come too ("page_ids",
    else None): that count reads every match, and sorting them costs little beside.
    """
    empty: dict = {name: [] for name in _FACETS}
    if params.q and not terms:  # words with no letters or digits match nothing
        return {
            **empty,
            "total": 0,
            "approximate": False,
            "total_approximate": False,
            "page_ids": None,
            "word_matches": 0,
        }
    conditions = facet_row_conditions(params, levels)
    with connection.cursor() as cursor:
        estimate = _domain_estimate(cursor, terms, bool(params.q))
        percent = modulus = None
        if estimate > (WORD_MATCHES_EXACT_LIMIT if params.q else FACET_EXACT_LIMIT):
            if params.q:
                modulus = _sample_modulus(estimate)
            else:
                percent = _sample_percent(table_rows(cursor))
        counts, total, domain = _counted(
            cursor, params, terms, conditions, levels, percent=percent, modulus=modulus
        )
        if modulus and domain <= WORD_MATCHES_EXACT_LIMIT:
            # Fewer than the planner thought (words together are rarer than each alone):
            # count them all, exactly, for what a sample would have cost.
            modulus = None
            counts, total, domain = _counted(cursor, params, terms, conditions, levels)
        sampled = percent is not None or modulus is not None
        total_approximate = sampled
        page_ids = None
        single = _single_value(params, levels) if sampled and not params.q else None
        countable = sampled and not params.q and total <= COUNT_EXACT_LIMIT
        # With words, the page's own query counts a few thousand (results.COUNT_BY_PAGE_LIMIT).
        if single is not None and (countable or params.sort not in (SORT_NAME, SORT_NEWEST)):
            # Its page from its values' index, by rating at its offset whatever their number
            # (an industry none of whose companies is rated, walked by rating in vain and
            # collected, took 300-450 ms at 1,000,000 companies); counted when countable.
            counted, page_ids = _single_value_page(
                cursor, *single, sort=params.sort, page=page, counted=countable
            )
            if counted is not None and counted <= COUNT_EXACT_LIMIT:
                total, total_approximate = counted, False
        elif countable:
            counted, page_ids = _capped_total(cursor, params, conditions, page=page)
            if counted <= COUNT_EXACT_LIMIT:
                total, total_approximate = counted, False
            else:
                page_ids = None
    return {
        **counts,
        "total": total,
        "approximate": sampled,
        "total_approximate": total_approximate,
        "page_ids": page_ids,
        "word_matches": domain if params.q else 0,
    }


def _counted(
    cursor,
    params: SearchParams,
    terms: list[str],
    conditions: dict,
    levels: tuple[str, ...],
    *,
    percent: float | None = None,
    modulus: int | None = None,
) -> tuple[dict, int, int]:
    """Each facet's counts, the number of results and the size of the domain, over the domain
    or its sample, scaled up by what each sampled company stands for."""
    rows = _grouped_counts(
        cursor,
        terms,
        bool(params.q),
        conditions,
        levels,
        percent,
        modulus,
        verified=params.verified,
    )
    scale = modulus if modulus else (100.0 / percent if percent else 1.0)
    counts: dict = {name: [] for name in _FACETS}
    total = domain = 0
    for facet, value, label, n in rows:
        if facet == "total":
            total = round(n * scale)
        elif facet == "domain":
            domain = round(n * scale)
        elif label is None:
            counts[facet].append((value, round(n * scale)))
        else:
            counts[facet].append((value, label, round(n * scale)))
    # Without filters (no "domain" row) every company of the domain is a result.
    return counts, total, (domain if conditions else total)


def _domain_estimate(cursor, terms: list[str], q: bool) -> float:
    """The planner's estimate of the companies matching the words (or of all companies)."""
    if not q:
        return table_rows(cursor)
    return planned_rows(
        cursor,
        "SELECT 1 FROM directory_search_facets f"
        " WHERE f.search_vector @@ to_tsquery(%s::regconfig, %s)",
        [SEARCH_CONFIG, tsquery_text(terms)],
    )


def planned_rows(cursor, sql: str, params: list) -> float:
    """The planner's estimate of the rows this query returns (no row is read)."""
    cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
    plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return float(plan[0]["Plan"]["Plan Rows"])


def table_rows(cursor) -> float:
    """The planner's count of companies (-1 before the table was first analyzed: then small
    enough to count exactly is the safe guess), read at most every ``TABLE_ROWS_SECONDS``.

    It only chooses between exact and sampled counts and the sample's size, so a count some
    minutes old does: a round trip saved on every search.
    """
    global _table_rows_read
    now = time.monotonic()
    if _table_rows_read is None or now - _table_rows_read[0] > TABLE_ROWS_SECONDS:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = 'directory_company'::regclass")
        _table_rows_read = (now, float(cursor.fetchone()[0]))
    return _table_rows_read[1]


def _capped_total(
    cursor, params: SearchParams, conditions: dict, *, page: slice
) -> tuple[int, list[int] | None]:
    """The companies passing every facet filter (a search without words), counted exactly up
    to one past ``COUNT_EXACT_LIMIT``, and the ids of ``page`` of them in the search's order
    (None for a competency or an industry alone, counted from their link tables)."""
    if list(conditions) == ["competency"]:
        ids = conditions["competency"][1][0]
        return _competency_total(cursor, ids, verified=params.verified), None
    if list(conditions) == ["industry"]:
        return _industry_total(cursor, conditions["industry"][1][0]), None
    every = " AND ".join(sql for sql, _ in conditions.values()) or "true"
    order = FACET_ROW_ORDER.get(params.sort, FACET_ROW_ORDER[SORT_RATING])
    # One reading of the matches' rows for both: the count and the page among them (which
    # the walk of a sort index, or a second reading of the rows, would find otherwise).
    cursor.execute(
        f"""WITH capped AS MATERIALIZED (
                SELECT f.company_id, f.name, f.rating_average, f.created_at
                FROM directory_search_facets f WHERE {every} LIMIT {COUNT_EXACT_LIMIT + 1})
            SELECT (SELECT count(*) FROM capped),
                   ARRAY(SELECT f.company_id FROM capped f ORDER BY {order} LIMIT %s OFFSET %s)""",
        [
            *(p for _, ps in conditions.values() for p in ps),
            page.stop - page.start,
            page.start,
        ],
    )
    total, ids = cursor.fetchone()
    return total, list(ids)


# The visibility level of a served country that each audience sees (migration 0013).
_COUNTRY_LEVEL = {"f.countries_public": 0, "f.countries_members": 1, "f.countries_all": 2}


def _single_value(params: SearchParams, levels: tuple[str, ...]) -> tuple[str, str, int] | None:
    """(facet, value, visibility level) when one industry or one country is the search's
    only filter: its page and count are read from the facet values' index (migration 0013)."""
    if params.competency or params.tier or len(params.industry) + len(params.country) != 1:
        return None
    if params.industry:
        return "industry", str(params.industry[0].pk), 0
    return "country", params.country[0], _COUNTRY_LEVEL[facet_row_countries(levels)]


def _single_value_page(
    cursor, facet: str, value: str, level: int, *, sort: str, page: slice, counted: bool = True
) -> tuple[int | None, list[int]]:
    """The companies with this facet value, counted up to one past ``COUNT_EXACT_LIMIT`` if
    ``counted`` (else None), and the ids of ``page`` of them in the search's order, from one
    range of the facet values' index: by rating it is that range read from the page's offset;
    by name or date the range's entries are sorted (no table page is read either way)."""
    order = VALUE_ORDER.get(sort, VALUE_ORDER[SORT_RATING])
    matched = [facet, value, level]
    total = (
        f"""(SELECT count(*) FROM (SELECT 1 FROM directory_search_facet_values v
                WHERE v.facet = %s AND v.value = %s AND v.level <= %s
                LIMIT {COUNT_EXACT_LIMIT + 1}) capped)"""
        if counted
        else "NULL"
    )
    cursor.execute(
        f"""SELECT {total},
                   ARRAY(SELECT v.company_id FROM directory_search_facet_values v
                         WHERE v.facet = %s AND v.value = %s AND v.level <= %s
                         ORDER BY {order} LIMIT %s OFFSET %s)""",
        [*(matched if counted else []), *matched, page.stop - page.start, page.start],
    )
    total, ids = cursor.fetchone()
    return total, list(ids)


def _competency_total(cursor, ids: list[int], *, verified: bool) -> int:
    """The companies claiming any of these competencies (verified and unexpired ones only, if
    ``verified``): read from the claims' covering index alone, where the facet rows' GIN index
    would visit nearly every page of the facet table for a competency one company in ten
    claims. The same rule as the facet rows' (migration 0004)."""
    condition = "cc.competency_id = ANY(%s::bigint[])"
    if verified:
        condition += f" AND {VERIFIED_CLAIM_SQL}"
    cursor.execute(
        f"SELECT {_companies_count_sql(ids, 'cc.company_id')} FROM directory_companycompetency cc"
        f" WHERE {condition}",
        [ids],
    )
    return min(cursor.fetchone()[0], COUNT_EXACT_LIMIT + 1)


def _industry_total(cursor, ids: list[int]) -> int:
    """The companies in any of these industries, from the link table's (industry, company)
    index alone (migration 0002): at 100,000 companies an industry's 8,300 companies are 1 ms
    there, 20 ms on the facet rows, spread over every page of that table."""
    cursor.execute(
        f"SELECT {_companies_count_sql(ids, 'company_id')} FROM directory_company_industries"
        " WHERE industry_id = ANY(%s::bigint[])",
        [ids],
    )
    return min(cursor.fetchone()[0], COUNT_EXACT_LIMIT + 1)


def _companies_count_sql(ids: list[int], column: str) -> str:
    """SQL counting the companies among link rows of these values: each company has one row
    per value (a unique constraint), so for one value its rows are counted, which needs no
    sort of the ids (at 100,000 companies a competency's 10,000 claims: 1.2 ms, not 2.7)."""
    return "count(*)" if len(ids) == 1 else f"count(DISTINCT {column})"


def _grouped_counts(
    cursor, terms, q, conditions, levels, percent, modulus, *, verified: bool
) -> list[tuple[str, str, str | None, int]]:
    """One statement: each facet's values counted under the other active filters, and the
    number matching every filter, over the domain (or its sample)."""
    domain, domain_params = _domain(terms, q, percent, modulus)
    claims = VERIFIED_CLAIMS_SQL if verified else "f.claimed"
    flags = "".join(f", ({sql}) AS pass_{name}" for name, (sql, _) in conditions.items())
    flag_params = [p for _, ps in conditions.values() for p in ps]

    def others(name: str) -> str:
        return " AND ".join(f"pass_{o}" for o in conditions if o != name) or "true"

    def values(name: str) -> str:
        # unnest() in the select list, not joined laterally: half the time per row.
        return f"(SELECT unnest(m.{name}) AS x FROM m WHERE {others(name)}) values_"

    # Each vocabulary's slug and name joined to its counts: no second round trip for labels.
    parts = [
        f"SELECT '{name}', v.slug::text, v.name::text, n FROM (SELECT x, count(*) AS n"
        f" FROM {values(name)} GROUP BY x) counted JOIN {table} v ON v.id = counted.x"
        for name, table in (
            ("competency", "directory_competency"),
            ("industry", "directory_industry"),
        )
    ]
    parts.append(f"SELECT 'country', x::text, NULL, count(*) FROM {values('country')} GROUP BY x")
    parts.append(
        f"SELECT 'tier', m.tier, NULL, count(*) FROM m WHERE {others('tier')} GROUP BY m.tier"
    )
    every = " AND ".join(f"pass_{name}" for name in conditions) or "true"
    parts.append(f"SELECT 'total', '', NULL, count(*) FROM m WHERE {every}")
    if conditions:
        parts.append("SELECT 'domain', '', NULL, count(*) FROM m")
    cursor.execute(
        f"""WITH m AS MATERIALIZED (
                SELECT {claims} AS competency, f.industries AS industry,
                       {facet_row_countries(levels)} AS country, f.tier AS tier{flags}
                FROM {domain})
            {" UNION ALL ".join(parts)}""",
        [*flag_params, *domain_params],
    )
    return cursor.fetchall()
