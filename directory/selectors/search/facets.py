"""Facet counts: how many results each value of each facet would give.

Filters combine with AND across facets and with OR inside one facet (two competencies ticked
means "either"), so each facet's counts apply every OTHER active filter: a value's count is how
many results that value alone would give with the rest of the search unchanged. Counts are
cached (``directory.facet_cache``) until a write changes what they count: the facet rows, or,
for a search with words, the search text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Count, Q, Value
from django.utils.translation import get_language

from directory.facet_cache import facet_cache_get_or_set
from directory.models import (
    Company,
    CompanyCompetency,
    CompanyCountry,
    Competency,
    Industry,
    Tier,
    Visibility,
)
from directory.selectors.search.cards import country_names_by_code
from directory.selectors.search.facet_sql import facet_counts_postgresql
from directory.selectors.search.filters import filtered
from directory.selectors.search.params import SearchParams

FACET_NAMES = ("competency", "industry", "country", "tier")

# (slug, name, count) per competency and industry, (value, count) per country and tier, the
# number of results and whether they are estimates.
Counts = dict[str, Any]


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class Facets:
    """Each facet's values, the number of results, and whether either is an estimate."""

    values: dict[str, list[FacetValue]]
    # Names these counts for a rendered-fragment cache: changes whenever they may.
    key: str
    total: int
    approximate: bool
    total_approximate: bool
    # The ids of the page asked for, when counting the results found them too (never cached).
    page_ids: list[int] | None = None
    # How many companies the words match whatever the filters, exactly or estimated (on
    # PostgreSQL; 0 without words).
    word_matches: int = 0


def search_facets(
    params: SearchParams,
    terms: list[str],
    filters: dict[str, Q],
    levels: tuple[str, ...],
    *,
    page: slice,
) -> Facets:
    """Each facet's values with their counts under the other filters, and the number of
    results, from the cache when it has them; and the ids of ``page`` of the results when
    counting them found those too."""
    signature = {
        "q": terms if params.q else None,
        "competency": sorted(c.pk for c in params.competency),
        "industry": sorted(i.pk for i in params.industry),
        "country": sorted(params.country),
        "tier": params.tier,
        "verified": params.verified,
        "levels": levels,
    }
    found_page: dict[str, list[int] | None] = {}

    def count() -> Counts:
        counts = _facet_counts(params, terms, filters, levels, page=page)
        # Of this page only: not for the cache, which serves every page.
        found_page["ids"] = counts.pop("page_ids", None)
        return counts

    counts, key = facet_cache_get_or_set(
        signature=signature,
        count=count,
        # Counts of the unfiltered directory are asked for most and cost most: kept until a
        # write changes what they count rather than for a while.
        keep=not filters,
        text=bool(params.q),
    )
    return Facets(
        values=_facet_values(counts, params),
        key=f"{key}:{get_language()}",
        total=counts["total"],
        approximate=counts["approximate"],
        total_approximate=counts["total_approximate"],
        page_ids=found_page.get("ids"),
        word_matches=counts.get("word_matches", 0),
    )


def _company_subset(filters: dict[str, Q], without: str) -> dict[str, Any]:
    """A lookup restricting a related table to the companies passing the other filters."""
    if not any(name != without for name in filters):
        return {}
    return {"company__in": filtered(filters, without=without).values("pk")}


def _facet_counts(
    params: SearchParams,
    terms: list[str],
    filters: dict[str, Q],
    levels: tuple[str, ...],
    *,
    page: slice,
) -> Counts:
    """(slug, name, count) per competency and industry, (value, count) per country and tier,
    and the number of results ("total", with "approximate" and "total_approximate" saying
    whether they are estimates; "page_ids" see `search_facets`)."""
    if connection.vendor == "postgresql":
        # Competencies and industries come labelled, in the same statement.
        found = facet_counts_postgresql(params, terms, levels, page=page)
        labelled = {"competency": found["competency"], "industry": found["industry"]}
    else:
        found = _facet_counts_orm(params, filters, levels)
        labelled = _labelled(dict(found["competency"]), dict(found["industry"]))
    # Countries and tiers are labelled when read (`_facet_values`), in the reader's language:
    # the counts are cached for every language, and lazy labels cost more to pickle than
    # anything else in them.
    return {
        **labelled,
        "country": list(found["country"]),
        "tier": list(found["tier"]),
        "total": found["total"],
        "approximate": found["approximate"],
        "total_approximate": found["total_approximate"],
        "page_ids": found.get("page_ids"),
        "word_matches": found.get("word_matches", 0),
    }


def _facet_counts_orm(params: SearchParams, filters: dict[str, Q], levels: tuple[str, ...]) -> dict:
    """The embedded default's facet counts: grouped queries, each applying the other filters.

    Competencies and industries group their narrow link tables by id, with no join per row.
    """
    claims = CompanyCompetency.objects.filter(**_company_subset(filters, "competency"))
    if params.verified:
        claims = claims.verified()
    competency = list(claims.values_list("competency_id").annotate(n=Count("*")).order_by())

    through = Company.industries.through
    industry = list(
        through.objects.filter(**_company_subset(filters, "industry"))
        .values_list("industry_id")
        .annotate(n=Count("*"))
        .order_by()
    )

    rows = CompanyCountry.objects.filter(**_company_subset(filters, "country"))
    if Visibility.HIDDEN not in levels:
        rows = rows.filter(Q(is_headquarters=True) | Q(company__details_visibility__in=levels))
    country = list(rows.values_list("country").annotate(n=Count("*")).order_by())

    tier = list(
        filtered(filters, without="tier").values_list("tier").annotate(n=Count("*")).order_by()
    )
    total = dict(tier).get(params.tier, 0) if params.tier else sum(n for _, n in tier)
    return {
        "competency": competency,
        "industry": industry,
        "country": country,
        "tier": tier,
        "total": total,
        "approximate": False,
        "total_approximate": False,
    }


def _labelled(competency: dict, industry: dict) -> dict[str, list[tuple[str, str, int]]]:
    """Both vocabularies' labels in one query, for the values that were counted (keys are ids,
    as text on PostgreSQL)."""
    competency = {int(pk): n for pk, n in competency.items()}
    industry = {int(pk): n for pk, n in industry.items()}
    # Neither side keeps its model's default ordering: SQLite refuses ORDER BY inside a
    # compound statement, and the labels are sorted by count afterwards anyway.
    vocabulary = (
        Competency.objects.filter(pk__in=list(competency))
        .order_by()
        .values_list("pk", "slug", "name", Value("competency"))
    )
    vocabulary = vocabulary.union(
        Industry.objects.filter(pk__in=list(industry))
        .order_by()
        .values_list("pk", "slug", "name", Value("industry")),
        all=True,
    )
    labelled: dict[str, list[tuple[str, str, int]]] = {"competency": [], "industry": []}
    if competency or industry:
        counts = {"competency": competency, "industry": industry}
        for pk, slug, name, facet in vocabulary:
            labelled[facet].append((slug, name, counts[facet][pk]))
    return labelled


def _tier_label(value: str) -> str:
    return str(Tier(value).label) if value in Tier.values else value


def _facet_values(counts: Counts, params: SearchParams) -> dict[str, list[FacetValue]]:
    country_names = country_names_by_code()
    selected = {
        "competency": {c.slug: c.name for c in params.competency},
        "industry": {i.slug: i.name for i in params.industry},
        "country": {code: country_names.get(code, code) for code in params.country},
        "tier": {params.tier: _tier_label(params.tier)} if params.tier else {},
    }
    labelled = {
        "competency": counts["competency"],
        "industry": counts["industry"],
        "country": [(code, country_names.get(code, code), n) for code, n in counts["country"]],
        "tier": [(value, _tier_label(value), n) for value, n in counts["tier"]],
    }
    facets: dict[str, list[FacetValue]] = {}
    for name in FACET_NAMES:
        found = {value: (label, n) for value, label, n in labelled[name]}
        for value, label in selected[name].items():
            found.setdefault(value, (label, 0))
        values = [
            FacetValue(
                value=value,
                label=label,
                count=n,
                selected=value in selected[name],
            )
            for value, (label, n) in found.items()
        ]
        if name == "tier":
            order = {value: i for i, value in enumerate(Tier.values)}
            for value in Tier.values:
                if value not in found:
                    values.append(FacetValue(value, Tier(value).label, 0, False))
            values.sort(key=lambda v: order.get(v.value, 99))
        else:
            values.sort(key=lambda v: (-v.count, v.label))
        facets[name] = values
    return facets
