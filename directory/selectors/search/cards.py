"""What a search result shows of a company: its public overview, read as plain values."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import connections
from django.db.models.expressions import RawSQL
from django.utils.translation import get_language
from django_countries import countries

from directory.models import Company, CompanyCompetency, Tier
from directory.selectors.search.ranking import RankExplanation
from portal.compiledqueries import compiled_query
from portal.urltemplates import UrlTemplate


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
    # Why "best match" put it here (a search with words), else None.
    ranking: RankExplanation | None = None


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


def company_cards(ids: list[int]) -> list[CompanyCard]:
    """The result cards of these companies in this order: two plain-value queries, no models."""
    rows = _card_rows(ids)
    claims = (
        CompanyCompetency.objects.verified()
        .filter(company_id__in=ids)
        .order_by("competency__name")
        .values_list("company_id", "competency__slug", "competency__name")
    )
    verified: dict[int, list[CardCompetency]] = {pk: [] for pk in ids}
    for company_id, slug, name in claims:
        verified[company_id].append(CardCompetency(slug, name))
    profile_url = UrlTemplate("directory:profile", per_row=("slug",))
    storage = Company._meta.get_field("logo").storage
    country_names = country_names_by_code()
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


def _card_rows(ids: list[int]) -> list[tuple]:
    """The companies' ``_CARD_FIELDS``. On PostgreSQL the query is compiled once per process
    (``portal.compiledqueries``): the ids come as one array parameter, so its SQL is the same
    for any number of them. Building and compiling it cost 0.25 ms of CPU a search."""
    if connections[Company.objects.db].vendor != "postgresql":
        return list(Company.objects.filter(pk__in=ids).values_list(*_CARD_FIELDS))
    query = compiled_query("directory.company_cards", _card_rows_query, markers=("ids",))
    return [tuple(row[name] for name in _CARD_FIELDS) for row in query.rows(ids=list(ids))]


def _card_rows_query(ids: int):
    in_ids = RawSQL("SELECT unnest(%s::bigint[])", [ids])
    return Company.objects.filter(pk__in=in_ids).values(*_CARD_FIELDS)


def country_names_by_code() -> dict[str, str]:
    """Country names by ISO code in the active language, built once per language."""
    language = get_language()
    names = _COUNTRY_NAMES.get(language)
    if names is None:
        names = _COUNTRY_NAMES[language] = {code: str(name) for code, name in countries}
    return names


_COUNTRY_NAMES: dict[str | None, dict[str, str]] = {}
