"""The directory search: full-text matching, filters, facet counts, sorting and paging.

Filters combine with AND across facets and with OR inside one facet (two competencies ticked
means "either"), so each facet's counts apply every OTHER active filter: a value's count is
how many results that value alone would give with the rest of the search unchanged. A
company's overview (name, description, tier, competencies, headquarters, rating) is public; the
countries it serves belong to its "details" group, so they count for a country filter only
where the viewer may see that group.
"""

import math
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Value,
    When,
)
from django.db.models.query import QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language
from django_countries import countries

from directory.facet_cache import facet_cache_get_or_set
from directory.models import (
    SEARCH_CONFIG,
    Company,
    CompanyCompetency,
    CompanyCountry,
    Competency,
    Industry,
    Tier,
    Visibility,
)
from directory.search_forms import (
    PAGE_SIZE,
    SORT_NAME,
    SORT_NEWEST,
    SORT_RATING,
    SORT_RELEVANCE,
    CompanySearchForm,
)
from portal.paging import check_page_exists
from portal.urltemplates import UrlTemplate

MAX_QUERY_TERMS = 8
# Above this many matches, relevance order is "name matches first, then by rating" instead of
# ranking every match (see _name_first_ids): ranking 35,000 matches of "cloud" costs ~40 ms.
RANK_ALL_LIMIT = 2_000
# The name-first order first walks this many times a page's end of matches by rating.
NAME_FIRST_WALK = 10
MAX_TERM_LENGTH = 40
FACET_NAMES = ("competency", "industry", "country", "tier")
_TERM = re.compile(r"[^\W_]+")


class SearchParamsInvalid(ValueError):
    """The request's search parameters failed validation; ``errors`` maps field to messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(m for messages in errors.values() for m in messages))
        self.errors = errors


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class ActiveFilter:
    """One active filter and the query string that the search would have without it."""

    label: str
    remove_query: str


@dataclass(frozen=True, slots=True)
class CardCompetency:
    slug: str
    name: str


@dataclass(frozen=True, slots=True)
class CompanyCard:
    """What a result shows of a company: its public overview, read as plain values."""

    pk: int
    slug: str
    name: str
    description: str
    logo_url: str | None
    url: str
    tier: str
    tier_label: str
    hq_country: str
    hq_country_name: str
    rating_average: Decimal | None
    rating_count: int
    verified_competencies: list[CardCompetency]


@dataclass
class SearchResult:
    companies: list[CompanyCard]
    count: int
    page: int
    num_pages: int
    page_size: int
    facets: dict[str, list[FacetValue]]
    params: dict[str, Any]
    active_filters: list[ActiveFilter] = field(default_factory=list)
    # Names these facet counts for a rendered-fragment cache: changes whenever they may.
    facets_key: str = ""
    # True when "best match" meant name matches first, then by rating (see _name_first_ids).
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

    def page_query(self, page: int) -> str:
        """The query string of this search at another page."""
        return _querystring(self.params, page=page)

    @property
    def previous_query(self) -> str:
        return self.page_query(self.page - 1)

    @property
    def next_query(self) -> str:
        return self.page_query(self.page + 1)

    @property
    def page_links(self) -> list[dict]:
        """First, last and the pages around the current one; ``number`` None marks a gap."""
        shown = sorted({1, self.num_pages, *range(self.page - 2, self.page + 3)})
        links: list[dict] = []
        for number in (n for n in shown if 1 <= n <= self.num_pages):
            if links and number > links[-1]["number"] + 1:
                links.append({"number": None})
            links.append(
                {"number": number, "query": self.page_query(number), "current": number == self.page}
            )
        return links


def company_search(*, viewer, params: QueryDict | dict) -> SearchResult:
    """Companies matching the validated search parameters, one page, with facet counts.

    Raises SearchParamsInvalid for invalid parameters, PageOutOfRange for a page past the end.
    """
    form = CompanySearchForm(_as_querydict(params))
    if not form.is_valid():
        raise SearchParamsInvalid({name: list(errs) for name, errs in form.errors.items()})
    cleaned = form.cleaned_data
    levels = _visible_levels(viewer)
    terms = _terms(cleaned["q"])
    filters = _filters(cleaned, terms, levels)

    facets, facets_key = _facets_cached(cleaned, terms, filters, levels)
    tier_counts = {f.value: f.count for f in facets["tier"]}
    count = tier_counts.get(cleaned["tier"], 0) if cleaned["tier"] else sum(tier_counts.values())
    num_pages = max(1, math.ceil(count / PAGE_SIZE))
    check_page_exists(number=cleaned["page"], num_pages=num_pages)

    companies: list[CompanyCard] = []
    name_first = _name_first(cleaned, terms, count)
    if count:
        offset = (cleaned["page"] - 1) * PAGE_SIZE
        if name_first:
            ids = _name_first_ids(filters, terms, offset)
        else:
            ordered = _ordered(_filtered(filters), cleaned["sort"], terms)
            # Ids first: on PostgreSQL the sort indexes cover the filter columns, so walking past
            # non-matching rows reads the index alone; the page's rows are fetched by id after.
            ids = list(ordered.values_list("pk", flat=True)[offset : offset + PAGE_SIZE])
        companies = _cards(ids)
    return SearchResult(
        companies=companies,
        count=count,
        page=cleaned["page"],
        num_pages=num_pages,
        page_size=PAGE_SIZE,
        facets=facets,
        params=cleaned,
        active_filters=_active_filters(cleaned),
        name_first=name_first,
        facets_key=facets_key,
    )


def _as_querydict(params: QueryDict | dict) -> QueryDict:
    if isinstance(params, QueryDict):
        return params
    data = QueryDict(mutable=True)
    for key, value in params.items():
        data.setlist(key, [str(v) for v in value] if isinstance(value, list | tuple) else [value])
    return data


# -- matching ---------------------------------------------------------------------------------


def _visible_levels(viewer) -> tuple[str, ...]:
    if viewer is None or not viewer.is_authenticated:
        return (Visibility.PUBLIC,)
    if viewer.is_staff:
        return (Visibility.PUBLIC, Visibility.MEMBERS, Visibility.HIDDEN)
    return (Visibility.PUBLIC, Visibility.MEMBERS)


def _terms(q: str) -> list[str]:
    return [t[:MAX_TERM_LENGTH] for t in _TERM.findall(q.lower())][:MAX_QUERY_TERMS]


def _tsquery(terms: list[str]) -> SearchQuery:
    # Built from word characters only, each term quoted and prefix-matched: no user syntax
    # reaches to_tsquery, so no input can make it fail.
    raw = " & ".join(f"'{term}':*" for term in terms)
    return SearchQuery(raw, search_type="raw", config=SEARCH_CONFIG)


def _text_filter(terms: list[str]) -> Q:
    if connection.vendor == "postgresql":
        return Q(search_vector=_tsquery(terms))
    condition = Q()
    for term in terms:
        condition &= Q(name__icontains=term) | Q(description__icontains=term)
    return condition


def _verified_claims() -> Q:
    return Q(status=CompanyCompetency.Status.VERIFIED) & (
        Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now())
    )


def _filters(cleaned: dict, terms: list[str], levels: tuple[str, ...]) -> dict[str, Q]:
    """Each active filter as a condition on Company, keyed by facet name."""
    filters: dict[str, Q] = {}
    if cleaned["q"]:
        filters["q"] = _text_filter(terms) if terms else Q(pk__in=[])
    if cleaned["competency"]:
        claims = CompanyCompetency.objects.filter(
            company=OuterRef("pk"), competency__in=[c.pk for c in cleaned["competency"]]
        )
        if cleaned["verified"]:
            claims = claims.filter(_verified_claims())
        filters["competency"] = Q(Exists(claims))
    if cleaned["industry"]:
        through = Company.industries.through
        filters["industry"] = Q(
            Exists(
                through.objects.filter(
                    company_id=OuterRef("pk"),
                    industry_id__in=[i.pk for i in cleaned["industry"]],
                )
            )
        )
    if cleaned["country"]:
        rows = CompanyCountry.objects.filter(company=OuterRef("pk"), country__in=cleaned["country"])
        if Visibility.HIDDEN in levels:
            filters["country"] = Q(Exists(rows))
        else:
            # The headquarters row (always present, kept in step with hq_country) is public;
            # a served row counts where the viewer may see the details. Spelt twice, on
            # purpose: the single EXISTS lets PostgreSQL start from the country index (a search
            # word plus a competency plus a country: 30 ms -> 4 ms), and the equivalent
            # "hq_country OR served" over the sort indexes' covered columns keeps walking those
            # indexes cheap (a hashed subplan instead of one index probe per company).
            visible = rows.alias(
                details_visibility=ExpressionWrapper(
                    OuterRef("details_visibility"), output_field=CharField()
                )
            ).filter(Q(is_headquarters=True) | Q(details_visibility__in=levels))
            filters["country"] = Q(Exists(visible)) & (
                Q(hq_country__in=cleaned["country"])
                | (Q(details_visibility__in=levels) & Q(Exists(rows)))
            )
    if cleaned["tier"]:
        filters["tier"] = Q(tier=cleaned["tier"])
    return filters


def _filtered(filters: dict[str, Q], *, without: str | None = None) -> QuerySet[Company]:
    queryset = Company.objects.all()
    for name, condition in filters.items():
        if name != without:
            queryset = queryset.filter(condition)
    return queryset


def _ordered(queryset: QuerySet[Company], sort: str, terms: list[str]) -> QuerySet[Company]:
    by_rating = (F("rating_average").desc(nulls_last=True), "name", "id")
    if sort == SORT_NAME:
        return queryset.order_by("name", "id")
    if sort == SORT_NEWEST:
        return queryset.order_by("-created_at", "-id")
    if sort == SORT_RATING or not terms:
        return queryset.order_by(*by_rating)
    if connection.vendor == "postgresql":
        rank = SearchRank(F("search_vector"), _tsquery(terms))
        return queryset.annotate(rank=rank).order_by("-rank", *by_rating)
    name_hits = Case(
        *[When(name__icontains=term, then=Value(1)) for term in terms],
        default=Value(0),
        output_field=IntegerField(),
    )
    return queryset.annotate(name_hit=name_hits).order_by("-name_hit", *by_rating)


def _name_first(cleaned: dict, terms: list[str], count: int) -> bool:
    return (
        count > RANK_ALL_LIMIT
        and bool(terms)
        and cleaned["sort"] == SORT_RELEVANCE
        and connection.vendor == "postgresql"
    )


def _name_first_ids(filters: dict[str, Q], terms: list[str], offset: int) -> list[int]:
    """One page of a search matching very many companies, without ranking every match.

    Companies with a search word in their name come first, then the other matches, each group
    by rating: the same promise as the ranked order (a name match beats a description match),
    but the cost does not grow with the number of matches. Two bounded parts, each stopping at
    the end of the page: the name matches by rating (a GIN index on the name, migration 0003,
    finds rare ones), and all matches by rating (walking the rating index, dense because there
    are many matches). If the first part is short it holds every name match, so the second part
    minus the first continues the order.
    """
    matches = _filtered(filters)
    by_rating = (F("rating_average").desc(nulls_last=True), "name", "id")
    end = offset + PAGE_SIZE
    walked = _name_first_walk(matches, terms, by_rating, end)
    if walked is not None:
        return walked[offset:end]
    name_query = SearchQuery(
        " | ".join(f"'{term}':*" for term in terms), search_type="raw", config=SEARCH_CONFIG
    )
    # One word in the name implies the whole (one-word) query matches: skip that condition, or
    # PostgreSQL intersects the name index with every match of the full index.
    names = (
        (matches if len(terms) > 1 else _filtered(filters, without="q"))
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
    for group, (queryset, order) in enumerate(((names, by_rating_sorted), (matches, by_rating))):
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
        cursor.execute(sql, [*params, PAGE_SIZE, offset])
        return [row[0] for row in cursor.fetchall()]


def _name_first_walk(
    matches: QuerySet[Company], terms: list[str], by_rating: tuple, end: int
) -> list[int] | None:
    """The name-first order up to ``end`` from the first matches by rating, or None if unsure.

    Walks the rating index over the matches, at most ``NAME_FIRST_WALK`` times ``end`` of them,
    flagging name matches from the stored vector (the name is its only weight-A part). When a
    frequent word is in many names, the first ``end`` name matches by rating lie in that walk,
    whose cost follows the page, not the matches (62,000 names with "cloud": 180 ms -> ~5 ms).
    When the walk found all matches it holds the whole order too. Otherwise (a word in few
    names) None: the name index then finds those few names cheaply.
    """
    weighted = SearchQuery(
        " | ".join(f"'{term}':*A" for term in terms), search_type="raw", config=SEARCH_CONFIG
    )
    limit = end * NAME_FIRST_WALK
    rows = list(
        matches.annotate(
            name_hit=ExpressionWrapper(Q(search_vector=weighted), output_field=BooleanField())
        )
        .order_by(*by_rating)
        .values_list("pk", "name_hit")[:limit]
    )
    hits = [pk for pk, hit in rows if hit]
    if len(hits) >= end:
        return hits[:end]
    if len(rows) < limit:
        return hits + [pk for pk, hit in rows if not hit]
    return None


def _cards(ids: list[int]) -> list[CompanyCard]:
    """The result cards of these companies in this order: two plain-value queries, no models."""
    rows = Company.objects.filter(pk__in=ids).values_list(*_CARD_FIELDS)
    claims = (
        CompanyCompetency.objects.filter(_verified_claims(), company_id__in=ids)
        .order_by("competency__name")
        .values_list("company_id", "competency__slug", "competency__name")
    )
    verified: dict[int, list[CardCompetency]] = {pk: [] for pk in ids}
    for company_id, slug, name in claims:
        verified[company_id].append(CardCompetency(slug, name))
    profile_url = UrlTemplate("directory:profile", per_row=("slug",))
    storage = Company._meta.get_field("logo").storage
    country_names = _country_names()
    tier_labels = dict(Tier.choices)
    cards = {}
    for pk, slug, name, description, logo, tier, country, rating, rating_count in rows:
        cards[pk] = CompanyCard(
            pk=pk,
            slug=slug,
            name=name,
            description=description,
            logo_url=storage.url(logo) if logo else None,
            url=profile_url.fill(slug=slug),
            tier=tier,
            tier_label=tier_labels.get(tier, tier),
            hq_country=country,
            hq_country_name=country_names.get(country, country),
            rating_average=rating,
            rating_count=rating_count,
            verified_competencies=verified[pk],
        )
    return [cards[pk] for pk in ids if pk in cards]


_CARD_FIELDS = (
    "pk",
    "slug",
    "name",
    "description",
    "logo",
    "tier",
    "hq_country",
    "rating_average",
    "rating_count",
)


def _country_names() -> dict[str, str]:
    """Country names by ISO code in the active language, built once per language."""
    language = get_language()
    names = _COUNTRY_NAMES.get(language)
    if names is None:
        names = _COUNTRY_NAMES[language] = {code: str(name) for code, name in countries}
    return names


_COUNTRY_NAMES: dict[str | None, dict[str, str]] = {}


# -- facets -----------------------------------------------------------------------------------


def _facets_cached(
    cleaned: dict, terms: list[str], filters: dict[str, Q], levels: tuple[str, ...]
) -> tuple[dict[str, list[FacetValue]], str]:
    signature = {
        "q": terms if cleaned["q"] else None,
        "competency": sorted(c.pk for c in cleaned["competency"]),
        "industry": sorted(i.pk for i in cleaned["industry"]),
        "country": sorted(cleaned["country"]),
        "tier": cleaned["tier"],
        "verified": cleaned["verified"],
        "levels": levels,
    }
    counts, key = facet_cache_get_or_set(
        signature=signature,
        count=lambda: _facet_counts(cleaned, filters, levels),
        # Counts of the unfiltered directory are asked for most and cost most: kept until a
        # write changes what they count rather than for a while.
        keep=not filters,
    )
    return _facet_values(counts, cleaned), f"{key}:{get_language()}"


def _company_subset(filters: dict[str, Q], without: str) -> dict[str, Any]:
    """A lookup restricting a related table to the companies passing the other filters."""
    if not any(name != without for name in filters):
        return {}
    return {"company__in": _filtered(filters, without=without).values("pk")}


def _facet_counts(
    cleaned: dict, filters: dict[str, Q], levels: tuple[str, ...]
) -> dict[str, list[tuple[str, str, int]]]:
    """(value, label, count) per facet: grouped queries, each applying the other filters.

    Competencies and industries group their narrow link tables by id, with no join per row;
    the few labels are looked up after, both vocabularies in one query.
    """
    claims = CompanyCompetency.objects.filter(**_company_subset(filters, "competency"))
    if cleaned["verified"]:
        claims = claims.filter(_verified_claims())
    competency = dict(claims.values_list("competency_id").annotate(n=Count("*")).order_by())

    through = Company.industries.through
    industry = dict(
        through.objects.filter(**_company_subset(filters, "industry"))
        .values_list("industry_id")
        .annotate(n=Count("*"))
        .order_by()
    )

    rows = CompanyCountry.objects.filter(**_company_subset(filters, "country"))
    if Visibility.HIDDEN not in levels:
        rows = rows.filter(Q(is_headquarters=True) | Q(company__details_visibility__in=levels))
    country = rows.values_list("country").annotate(n=Count("*")).order_by()

    tier = _filtered(filters, without="tier").values_list("tier").annotate(n=Count("*"))
    names = _country_names()

    # Both vocabularies' labels in one query, for the values that were counted. Neither side
    # keeps its model's default ordering: SQLite refuses ORDER BY inside a compound statement,
    # and the labels are sorted by count afterwards anyway.
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

    return {
        **labelled,
        "country": [(code, names.get(code, code), n) for code, n in country],
        "tier": [(value, _facet_label("tier", value, ""), n) for value, n in tier.order_by()],
    }


def _facet_values(
    counts: dict[str, list[tuple[str, str, int]]], cleaned: dict
) -> dict[str, list[FacetValue]]:
    selected = {
        "competency": {c.slug: c.name for c in cleaned["competency"]},
        "industry": {i.slug: i.name for i in cleaned["industry"]},
        "country": {code: _country_names().get(code, code) for code in cleaned["country"]},
        "tier": {cleaned["tier"]: Tier(cleaned["tier"]).label} if cleaned["tier"] else {},
    }
    facets: dict[str, list[FacetValue]] = {}
    for name in FACET_NAMES:
        found = {value: (label, n) for value, label, n in counts[name]}
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


def _facet_label(name: str, value: str, label: str) -> str:
    if name == "country":
        return countries.name(value) or value
    if name == "tier":
        return Tier(value).label if value in Tier.values else value
    return label


# -- query strings ----------------------------------------------------------------------------


def _param_pairs(cleaned: dict) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    if cleaned["q"]:
        pairs.append(("q", cleaned["q"]))
    pairs += [("competency", c.slug) for c in cleaned["competency"]]
    pairs += [("industry", i.slug) for i in cleaned["industry"]]
    pairs += [("country", code) for code in cleaned["country"]]
    if cleaned["tier"]:
        pairs.append(("tier", cleaned["tier"]))
    if cleaned["verified"]:
        pairs.append(("verified", "1"))
    if cleaned["sort"] != SORT_RELEVANCE:
        pairs.append(("sort", cleaned["sort"]))
    return pairs


def _querystring(cleaned: dict, *, page: int = 1, drop: tuple[str, str] | None = None) -> str:
    pairs = [pair for pair in _param_pairs(cleaned) if pair != drop]
    if page > 1:
        pairs.append(("page", str(page)))
    return urlencode(pairs)


def _active_filters(cleaned: dict) -> list[ActiveFilter]:
    labelled: list[tuple[str, tuple[str, str]]] = []
    if cleaned["q"]:
        labelled.append((f"Words: {cleaned['q']}", ("q", cleaned["q"])))
    labelled += [(f"Competency: {c.name}", ("competency", c.slug)) for c in cleaned["competency"]]
    labelled += [(f"Industry: {i.name}", ("industry", i.slug)) for i in cleaned["industry"]]
    labelled += [
        (f"Country: {countries.name(code)}", ("country", code)) for code in cleaned["country"]
    ]
    if cleaned["tier"]:
        labelled.append((f"Tier: {Tier(cleaned['tier']).label}", ("tier", cleaned["tier"])))
    if cleaned["verified"]:
        labelled.append(("Verified competencies only", ("verified", "1")))
    return [ActiveFilter(label, _querystring(cleaned, drop=pair)) for label, pair in labelled]
