# ruff: noqa: S608, S611 - SQL text from this module's constants; every value is a parameter
"""What a search matches: its words, and each active filter as a condition on Company.

A company's overview (name, description, tier, competencies, headquarters, rating) is public;
the countries it serves belong to its "details" group, so they count for a country filter only
where the viewer may see that group.
"""

from __future__ import annotations

import re
import unicodedata

from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import (
    BooleanField,
    Exists,
    OuterRef,
    Q,
    QuerySet,
)
from django.db.models.expressions import RawSQL

from directory.models import (
    SEARCH_CONFIG,
    Company,
    CompanyCompetency,
    CompanyCountry,
    Visibility,
)
from directory.search_text import searched_terms, word_start
from directory.selectors.search.params import SearchParams

MAX_QUERY_TERMS = 8
MAX_TERM_LENGTH = 40
_TERM = re.compile(r"[^\W_]+")


def viewer_levels(viewer) -> tuple[str, ...]:
    """The visibility levels of a company's details group that this viewer may see."""
    if viewer is None or not viewer.is_authenticated:
        return (Visibility.PUBLIC,)
    if viewer.is_staff:
        return (Visibility.PUBLIC, Visibility.MEMBERS, Visibility.HIDDEN)
    return (Visibility.PUBLIC, Visibility.MEMBERS)


def search_terms(q: str) -> list[str]:
    """The words of the search text, lower-case, each and their number bounded."""
    # Composed first, so that a letter typed with a separate accent ("u" + "¨") stays one
    # word; "İ" lower-cases to "i" and a dot above that no letter composes with.
    text = unicodedata.normalize("NFC", q).lower().replace("\u0307", "")
    return [t[:MAX_TERM_LENGTH] for t in _TERM.findall(text)][:MAX_QUERY_TERMS]


def tsquery_text(terms: list[str], *, joiner: str = " & ", weights: str = "") -> str:
    """The raw tsquery text: every term prefix-matched, joined by ``joiner`` (all required by
    default), restricted to the vector ``weights`` given (e.g. "A" for the name)."""
    # Built from word characters only, each term quoted and prefix-matched: no user syntax
    # reaches to_tsquery, so no input can make it fail.
    return joiner.join(f"'{term}':*{weights}" for term in terms)


def tsquery(terms: list[str]) -> SearchQuery:
    """Every term prefix-matched, all of them required."""
    return SearchQuery(tsquery_text(terms), search_type="raw", config=SEARCH_CONFIG)


def _text_filter(terms: list[str]) -> Q:
    if connection.vendor == "postgresql":
        return Q(search_vector=tsquery(terms))
    # The embedded default: each word begins a word of any field (directory.search_text); as
    # on PostgreSQL, stop words are ignored, and a search of nothing else finds nothing.
    searched = searched_terms(terms)
    if not searched:
        return Q(pk__in=[])
    condition = Q()
    for term in searched:
        condition &= Q(search_text__contains=word_start(term))
    return condition


# The facet row f's verified competency ids, now: a verified claim can lapse with no write, so a
# row past its earliest expiry is recomputed.
VERIFIED_CLAIMS_SQL = (
    "(CASE WHEN f.verified_until IS NULL OR f.verified_until > now() THEN f.verified"
    " ELSE directory_verified_now(f.company_id) END)"
)


def facet_row_countries(levels: tuple[str, ...]) -> str:
    """The country column as this audience sees it (served countries follow the details)."""
    if Visibility.HIDDEN in levels:
        return "f.countries_all"
    if Visibility.MEMBERS in levels:
        return "f.countries_members"
    return "f.countries_public"


def facet_row_conditions(
    params: SearchParams, levels: tuple[str, ...]
) -> dict[str, tuple[str, list]]:
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
        conditions["country"] = (
            f"{facet_row_countries(levels)} && %s::varchar[]",
            [list(params.country)],
        )
    if params.tier:
        conditions["tier"] = ("f.tier = %s", [params.tier])
    return conditions


def facet_row_ids(params: SearchParams, levels: tuple[str, ...]) -> tuple[str, list]:
    """The companies passing every facet filter, as a subquery on the facet rows (the indexes
    of their arrays and tier intersect), with its parameters."""
    conditions = facet_row_conditions(params, levels)
    sql = " AND ".join(condition for condition, _ in conditions.values()) or "true"
    values = [value for _, parameters in conditions.values() for value in parameters]
    return f"SELECT f.company_id FROM directory_search_facets f WHERE {sql}", values


def search_filters(params: SearchParams, terms: list[str], levels: tuple[str, ...]) -> dict[str, Q]:
    """Each active filter as a condition on Company, keyed by facet name (on PostgreSQL, with
    words, the facet filters together, as "facets": see `_facet_row_filter`)."""
    filters: dict[str, Q] = {}
    if params.q:
        filters["q"] = _text_filter(terms) if terms else Q(pk__in=[])
    if params.q and connection.vendor == "postgresql":
        return {**filters, **_facet_row_filter(params, terms, levels)}
    if params.competency:
        filters["competency"] = _competency_filter(
            [c.pk for c in params.competency], verified=params.verified
        )
    if params.industry:
        filters["industry"] = _industry_filter([i.pk for i in params.industry])
    if params.country:
        filters["country"] = _country_filter(list(params.country), levels)
    if params.tier:
        filters["tier"] = Q(tier=params.tier)
    return filters


def _facet_row_filter(
    params: SearchParams, terms: list[str], levels: tuple[str, ...]
) -> dict[str, Q]:
    """The active facet filters, with the words, as one probe of the company's facet row
    (migrations 0004 and 0010), whose arrays hold its competencies, industries and the
    countries each audience sees, beside its search vector.

    Used with words: the planner can then intersect the words' index and the arrays' GIN
    indexes on the facet rows and start from the few companies that pass them all, instead of
    probing one table once per match of the other. Without words the filters below stay:
    walking a sort index, their covered columns and narrow link tables reject cheaper than a
    probe of the facet row, which the planner otherwise picks for one or two facets (see
    docs/directory-performance.md).
    The tier stays a company column, which the sort indexes cover.
    """
    conditions = facet_row_conditions(params, levels)
    filters: dict[str, Q] = {}
    tier = conditions.pop("tier", None)
    if conditions:
        sql = " AND ".join(condition for condition, _ in conditions.values())
        values = [value for _, parameters in conditions.values() for value in parameters]
        exists = RawSQL(
            "EXISTS (SELECT 1 FROM directory_search_facets f"
            f' WHERE f.company_id = "directory_company"."id"'
            f" AND f.search_vector @@ to_tsquery(%s::regconfig, %s) AND {sql})",
            [SEARCH_CONFIG, tsquery_text(terms), *values],
            output_field=BooleanField(),
        )
        filters["facets"] = Q(exists)
    if tier:
        filters["tier"] = Q(tier=params.tier)
    return filters


# The rule of CompanyCompetency.objects.verified(), on the claim ``cc``.
VERIFIED_CLAIM_SQL = "cc.status = 'verified' AND (cc.expires_at IS NULL OR cc.expires_at > now())"


def _probed(sql: str, params: list) -> Q:
    """A condition on a company's rows in a link table, probed by its index for each company
    it is asked of (PostgreSQL). A search without words asks it of the companies a sort index
    walk passes, a few hundred for a page; left to itself, PostgreSQL hashed every row of the
    value instead (at 1,000,000 companies, 97,000 claims of a competency: 35-90 ms before the
    walk's first step). ``OFFSET 0`` is what keeps an EXISTS from being hashed."""
    return Q(
        RawSQL(
            f"EXISTS ({sql} OFFSET 0)",
            params,
            output_field=BooleanField(),
        )
    )


def _competency_filter(ids: list[int], *, verified: bool) -> Q:
    if connection.vendor == "postgresql":
        condition = f" AND {VERIFIED_CLAIM_SQL}" if verified else ""
        return _probed(
            "SELECT 1 FROM directory_companycompetency cc"
            ' WHERE cc.company_id = "directory_company"."id"'
            f" AND cc.competency_id = ANY(%s::bigint[]){condition}",
            [ids],
        )
    claims = CompanyCompetency.objects.filter(company=OuterRef("pk"), competency__in=ids)
    return Q(Exists(claims.verified() if verified else claims))


def _industry_filter(ids: list[int]) -> Q:
    if connection.vendor == "postgresql":
        return _probed(
            "SELECT 1 FROM directory_company_industries ci"
            ' WHERE ci.company_id = "directory_company"."id"'
            " AND ci.industry_id = ANY(%s::bigint[])",
            [ids],
        )
    through = Company.industries.through
    return Q(Exists(through.objects.filter(company_id=OuterRef("pk"), industry_id__in=ids)))


def _country_filter(codes: list[str], levels: tuple[str, ...]) -> Q:
    # The headquarters row (always present, kept in step with hq_country) is public; a served
    # row counts where the viewer may see the details. Spelt over the sort indexes' covered
    # columns first: walking a sort index, most companies pass or fail on hq_country alone and
    # the served rows are looked up in one hashed subplan, built once from the country index,
    # instead of probing the link table once per company walked (pages 20-150 of a country
    # walk tens of thousands of companies at 1,000,000).
    served = Q(Exists(CompanyCountry.objects.filter(company=OuterRef("pk"), country__in=codes)))
    if Visibility.HIDDEN not in levels:
        served = Q(details_visibility__in=levels) & served
    return Q(hq_country__in=codes) | served


def filtered(filters: dict[str, Q], *, without: str | None = None) -> QuerySet[Company]:
    """The companies passing every filter but the one named ``without``."""
    queryset = Company.objects.all()
    for name, condition in filters.items():
        if name != without:
            queryset = queryset.filter(condition)
    return queryset
