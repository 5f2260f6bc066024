# ruff: noqa: S608 - SQL text built from this module's constants; every value is a parameter
"""Facet counts on PostgreSQL: one grouped statement over the facet rows, exact or estimated.

Migration 0003 keeps one narrow row per company in ``directory_search_facets`` (arrays of
competency, industry and country values, GIN-indexed), right after every write. A search's
facets are drawn from the companies matching its words (or all of them); the planner's
estimate of how many there are decides:

- up to ``FACET_EXACT_LIMIT``: every facet counted exactly, each under the other active
  filters, and the number of results, in one statement whose cost follows those companies;
- more: the same statement over a random sample of about ``FACET_SAMPLE_ROWS`` companies
  (``TABLESAMPLE SYSTEM``), counts scaled up and marked approximate ("≈"); the number of
  results is counted exactly (through the GIN indexes) up to ``COUNT_EXACT_LIMIT``, and shown as
  "about N" from the sample above that.

No cache is needed for speed: every search costs what a cached one did, and writes need not
forget anything for the counts to be right.
"""

from __future__ import annotations

import json

from django.db import connection

from directory.models import SEARCH_CONFIG, Visibility
from directory.selectors.search.filters import tsquery_text
from directory.selectors.search.params import SearchParams

FACET_EXACT_LIMIT = 5_000
FACET_SAMPLE_ROWS = 3_000
COUNT_EXACT_LIMIT = 10_000

# The facet row f's verified competency ids, now: a verified claim can lapse with no write, so a
# row past its earliest expiry is recomputed.
VERIFIED_CLAIMS_SQL = (
    "(CASE WHEN f.verified_until IS NULL OR f.verified_until > now() THEN f.verified"
    " ELSE directory_verified_now(f.company_id) END)"
)
_FACETS = ("competency", "industry", "country", "tier")


def _countries(levels: tuple[str, ...]) -> str:
    """The country column as this audience sees it (served countries follow the details)."""
    if Visibility.HIDDEN in levels:
        return "f.countries_all"
    if Visibility.MEMBERS in levels:
        return "f.countries_members"
    return "f.countries_public"


def _conditions(params: SearchParams, levels: tuple[str, ...]) -> dict[str, tuple[str, list]]:
    """Each active facet filter as SQL on the facet row ``f``, with its parameters."""
    conditions: dict[str, tuple[str, list]] = {}
    if params.competency:
        claims = "f.verified" if params.verified else "f.claimed"
        ids = [c.pk for c in params.competency]
        condition = f"{claims} && %s::bigint[]"
        if params.verified:
            # The index finds the candidates; the exact rule drops lapsed verifications.
            condition += f" AND {VERIFIED_CLAIMS_SQL} && %s::bigint[]"
            conditions["competency"] = (condition, [ids, ids])
        else:
            conditions["competency"] = (condition, [ids])
    if params.industry:
        conditions["industry"] = ("f.industries && %s::bigint[]", [[i.pk for i in params.industry]])
    if params.country:
        conditions["country"] = (f"{_countries(levels)} && %s::varchar[]", [list(params.country)])
    if params.tier:
        conditions["tier"] = ("f.tier = %s", [params.tier])
    return conditions


def _domain(terms: list[str], q: bool, sample_percent: float | None = None) -> tuple[str, list]:
    """The facet rows a search's facets are drawn from: those matching its words, or all."""
    sample = f" TABLESAMPLE SYSTEM ({sample_percent:.4f})" if sample_percent is not None else ""
    if not q:
        return f"directory_search_facets f{sample}", []
    return (
        # The matching ids first, then their rows by primary key: a join lets the planner,
        # misjudging how many rows match, hash them and read every facet row.
        "directory_search_facets f WHERE f.company_id = ANY(ARRAY("
        f"SELECT c.id FROM directory_company c{sample}"
        " WHERE c.search_vector @@ to_tsquery(%s::regconfig, %s)))",
        [SEARCH_CONFIG, tsquery_text(terms)],
    )


def _domain_join(terms: list[str], q: bool) -> tuple[str, list]:
    """The same rows as a join (for a count the indexes on both sides may narrow)."""
    if not q:
        return "directory_search_facets f WHERE true", []
    return (
        "directory_company c JOIN directory_search_facets f ON f.company_id = c.id"
        " WHERE c.search_vector @@ to_tsquery(%s::regconfig, %s)",
        [SEARCH_CONFIG, tsquery_text(terms)],
    )


def _sample_percent(table_rows: float) -> float:
    """The share of the companies (in percent) that holds about ``FACET_SAMPLE_ROWS``."""
    return min(100.0, 100.0 * FACET_SAMPLE_ROWS / max(table_rows, 1.0))


def facet_counts_postgresql(
    params: SearchParams, terms: list[str], levels: tuple[str, ...]
) -> dict:
    """Counts per facet value, the number of results, and whether either is an estimate."""
    empty: dict = {name: [] for name in _FACETS}
    if params.q and not terms:  # words with no letters or digits match nothing
        return {**empty, "total": 0, "approximate": False, "total_approximate": False}
    conditions = _conditions(params, levels)
    with connection.cursor() as cursor:
        estimate = _domain_estimate(cursor, terms, bool(params.q))
        percent = None
        if estimate > FACET_EXACT_LIMIT:
            percent = _sample_percent(estimate if not params.q else _table_rows(cursor))
        rows = _grouped_counts(
            cursor, terms, bool(params.q), conditions, levels, percent, verified=params.verified
        )
        counts = dict(empty)
        scale = 100.0 / percent if percent else 1.0
        total = 0
        for facet, value, n in rows:
            if facet == "total":
                total = round(n * scale)
            else:
                counts[facet].append((value, round(n * scale)))
        total_approximate = False
        if percent is not None:
            if total <= COUNT_EXACT_LIMIT:
                total = _capped_total(cursor, terms, bool(params.q), conditions)
            total_approximate = total > COUNT_EXACT_LIMIT
    return {
        **counts,
        "total": total,
        "approximate": percent is not None,
        "total_approximate": total_approximate,
    }


def _domain_estimate(cursor, terms: list[str], q: bool) -> float:
    """The planner's estimate of the companies matching the words (or of all companies)."""
    if not q:
        return _table_rows(cursor)
    cursor.execute(
        "EXPLAIN (FORMAT JSON) SELECT 1 FROM directory_company c"
        " WHERE c.search_vector @@ to_tsquery(%s::regconfig, %s)",
        [SEARCH_CONFIG, tsquery_text(terms)],
    )
    plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return float(plan[0]["Plan"]["Plan Rows"])


def _table_rows(cursor) -> float:
    """The planner's count of companies (-1 before the table was first analyzed: then small
    enough to count exactly is the safe guess)."""
    cursor.execute("SELECT reltuples FROM pg_class WHERE oid = 'directory_company'::regclass")
    return float(cursor.fetchone()[0])


def _capped_total(cursor, terms: list[str], q: bool, conditions: dict) -> int:
    """The companies matching every filter, counted exactly up to one past the limit."""
    domain, params = _domain_join(terms, q)
    every = " AND ".join(sql for sql, _ in conditions.values()) or "true"
    every_params = [p for _, ps in conditions.values() for p in ps]
    cursor.execute(
        f"SELECT count(*) FROM (SELECT 1 FROM {domain} AND {every}"
        f" LIMIT {COUNT_EXACT_LIMIT + 1}) capped",
        [*params, *every_params],
    )
    return cursor.fetchone()[0]


def _grouped_counts(
    cursor, terms, q, conditions, levels, percent, *, verified: bool
) -> list[tuple[str, str, int]]:
    """One statement: each facet's values counted under the other active filters, and the
    number matching every filter, over the domain (or its sample)."""
    domain, domain_params = _domain(terms, q, percent)
    claims = VERIFIED_CLAIMS_SQL if verified else "f.claimed"
    flags = "".join(f", ({sql}) AS pass_{name}" for name, (sql, _) in conditions.items())
    flag_params = [p for _, ps in conditions.values() for p in ps]

    def others(name: str) -> str:
        return " AND ".join(f"pass_{o}" for o in conditions if o != name) or "true"

    parts = [
        f"SELECT '{name}', x::text, count(*) FROM m, unnest(m.{name}) x WHERE {others(name)}"
        " GROUP BY x"
        for name in ("competency", "industry", "country")
    ]
    parts.append(f"SELECT 'tier', m.tier, count(*) FROM m WHERE {others('tier')} GROUP BY m.tier")
    every = " AND ".join(f"pass_{name}" for name in conditions) or "true"
    parts.append(f"SELECT 'total', '', count(*) FROM m WHERE {every}")
    cursor.execute(
        f"""WITH m AS MATERIALIZED (
                SELECT {claims} AS competency, f.industries AS industry,
                       {_countries(levels)} AS country, f.tier AS tier{flags}
                FROM {domain})
            {" UNION ALL ".join(parts)}""",
        [*flag_params, *domain_params],
    )
    return cursor.fetchall()
