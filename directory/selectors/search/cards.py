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
    """The result cards of these companies in this order: plain values, no models; one query
    on PostgreSQL (the verified competencies come as arrays on each row), two elsewhere."""
    rows, verified = _card_rows(ids)
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


def _card_rows(ids: list[int]) -> tuple[list[tuple], dict[int, list[CardCompetency]]]:
    """The companies' ``_CARD_FIELDS``, and their verified competencies by name.

    On PostgreSQL in one query, compiled once per process (``portal.compiledqueries``): the
    ids come as one array parameter, so its SQL is the same for any number of them. Building
    and compiling it cost 0.25 ms of CPU a search; the competencies' own query a round trip.
    """
    verified: dict[int, list[CardCompetency]] = {pk: [] for pk in ids}
    if connections[Company.objects.db].vendor != "postgresql":
        claims = (
            CompanyCompetency.objects.verified()
            .filter(company_id__in=ids)
            .order_by("competency__name")
            .values_list("company_id", "competency__slug", "competency__name")
        )
        for company_id, slug, name in claims:
            verified[company_id].append(CardCompetency(slug, name))
        return list(Company.objects.filter(pk__in=ids).values_list(*_CARD_FIELDS)), verified
    query = compiled_query("directory.company_cards", _card_rows_query, markers=("ids",))
    rows = []
    for row in query.rows(ids=list(ids)):
        rows.append(tuple(row[name] for name in _CARD_FIELDS))
        verified[row["pk"]] = [
            CardCompetency(slug, name)
            for slug, name in zip(row["verified_slugs"], row["verified_names"], strict=True)
        ]
    return rows, verified


# The company's verified, unexpired claims (the rule of ``CompanyCompetency.objects.verified``,
# with the database's clock: a compiled query may hold no time of its own), by competency name.
_VERIFIED = (
    "ARRAY(SELECT k.{column} FROM directory_companycompetency cc"
    " JOIN directory_competency k ON k.id = cc.competency_id"
    ' WHERE cc.company_id = "directory_company"."id" AND cc.status = %s'
    " AND (cc.expires_at IS NULL OR cc.expires_at > now()) ORDER BY k.name, k.id)"
)


def _card_rows_query(ids: int):
    in_ids = RawSQL("SELECT unnest(%s::bigint[])", [ids])
    status = [CompanyCompetency.Status.VERIFIED.value]
    return Company.objects.filter(pk__in=in_ids).values(
        *_CARD_FIELDS,
        verified_slugs=RawSQL(_VERIFIED.format(column="slug"), status),  # noqa: S611
        verified_names=RawSQL(_VERIFIED.format(column="name"), status),  # noqa: S611
    )


def country_names_by_code() -> dict[str, str]:
    """Country names by ISO code in the active language, built once per language."""
    language = get_language()
    names = _COUNTRY_NAMES.get(language)
    if names is None:
        names = _COUNTRY_NAMES[language] = {code: str(name) for code, name in countries}
    return names


_COUNTRY_NAMES: dict[str | None, dict[str, str]] = {}
