# ruff: noqa: S608, S611 - SQL text built from this module's constants; every value is a parameter
"""How "best match" ranks a search with words: the points a company earns, and why.

The one home of the ranking rules. The weights come from ``settings.DIRECTORY_RANKING``
(tuned by program staff); ``/directory/about/ranking/`` and ``docs/search-ranking.md`` state
the rules; the search orders by `score_expression` and explains each result with
`rank_explanations`, from the same conditions, so an explanation is always the order's reason.

A company earns, once per field however many search words it holds:
name, then competencies (verified ones more than self-declared ones and tags), public
offerings, description; and whatever the words: its tier, its rating and how complete its
profile is. Ties go to the higher rating, then the name.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    ExpressionWrapper,
    FloatField,
    OuterRef,
    Q,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Coalesce
from django.utils.formats import number_format
from django.utils.translation import get_language, gettext, gettext_noop

from directory.models import SEARCH_CONFIG, Company, CompanyCompetency, Competency, Tier
from directory.search_text import (
    COMPETENCIES,
    DESCRIPTION,
    NAME,
    OFFERINGS,
    folded,
    folded_words,
    searched_terms,
    word_start,
)
from directory.selectors.search.facet_sql import FACET_ROW_ORDER
from directory.selectors.search.filters import (
    VERIFIED_CLAIM_SQL,
    VERIFIED_CLAIMS_SQL,
    tsquery_text,
)
from directory.selectors.search.params import SORT_RATING

FIELD_RULES = ("name", "verified_competency", "competency", "offering", "description")
RULES = (*FIELD_RULES, "tier", "rating", "completeness")

# What each rule says when it applies (the labels of the page, the API and the docs), translated
# where they are shown; the API gives the rule's code beside its label.
LABELS = {
    "name": gettext_noop("A search word is in the company name"),
    "verified_competency": gettext_noop("A search word names a competency the program verified"),
    "competency": gettext_noop("A search word is in a self-declared competency or a tag"),
    "offering": gettext_noop("A search word is in a public product or service"),
    "description": gettext_noop("A search word is in the description"),
    "tier": gettext_noop("Partner tier"),
    "rating": gettext_noop("Average customer rating, per star"),
    "completeness": gettext_noop("Profile completeness, in proportion"),
}


@dataclass(frozen=True)
class RankingWeights:
    name: float
    verified_competency: float
    competency: float
    offering: float
    description: float
    tier: dict[str, float]
    rating: float
    completeness: float


def ranking_weights() -> RankingWeights:
    """The weights in ``settings.DIRECTORY_RANKING``, checked: every rule, numbers >= 0."""
    raw = settings.DIRECTORY_RANKING
    unknown = set(raw) - set(RULES)
    missing = set(RULES) - set(raw)
    if unknown or missing:
        raise ImproperlyConfigured(
            f"DIRECTORY_RANKING: unknown {sorted(unknown)}, missing {sorted(missing)}"
        )
    tier = {value: float(raw["tier"].get(value, 0)) for value in Tier.values}
    numbers = [float(raw[name]) for name in RULES if name != "tier"] + list(tier.values())
    if any(n < 0 for n in numbers):
        raise ImproperlyConfigured("DIRECTORY_RANKING: weights must be 0 or more")
    return RankingWeights(tier=tier, **{name: float(raw[name]) for name in RULES if name != "tier"})


# -- the conditions ------------------------------------------------------------------------------


def field_conditions(terms: list[str]) -> dict[str, Q]:
    """Each field rule as a condition on Company, on the SQLite default, where the fields are
    words of ``search_text`` tagged as the vector's weights are (directory.search_text)."""

    terms = searched_terms(terms)
    nothing = Q(pk__in=[])

    def any_word(weight: str) -> Q:
        condition = Q()
        for term in terms:
            condition |= Q(search_text__contains=word_start(term, weight))
        return condition if terms else nothing

    # The competencies whose name has a word beginning with a search word, as the vector's
    # prefix match finds them on PostgreSQL (field_sql): few, read once, matched here.
    wanted = [folded(term) for term in terms]
    named = [
        pk
        for pk, name in Competency.objects.values_list("pk", "name")
        if any(word.startswith(t) for word in folded_words(name) for t in wanted)
    ]
    verified = Exists(
        CompanyCompetency.objects.verified().filter(company=OuterRef("pk"), competency__in=named)
    )
    return {
        "name": any_word(NAME),
        "verified_competency": Q(verified) if named else nothing,
        "competency": any_word(COMPETENCIES),
        "offering": any_word(OFFERINGS),
        "description": any_word(DESCRIPTION),
    }


_COMPANY = '"directory_company"'


def field_sql(terms: list[str], *, facet_rows: bool = False) -> dict[str, tuple[str, list]]:
    """Each field rule as SQL on the company row (or the facet row ``f``, which holds a copy of
    every column the rules read: migrations 0009-0011), on PostgreSQL. Written as SQL rather
    than ORM expressions: building and compiling those cost more than the query they ask."""
    row = "f" if facet_rows else _COMPANY

    def any_word(weight: str) -> tuple[str, list]:
        # A search word (prefix) in the part of the stored vector with this weight: A name,
        # B competencies and tags, C public offerings, D description (services.search_index).
        return (
            f"{row}.search_vector @@ to_tsquery(%s::regconfig, %s)",
            [SEARCH_CONFIG, tsquery_text(terms, joiner=" | ", weights=weight)],
        )

    named = (
        "ARRAY(SELECT k.id FROM directory_competency k"
        " WHERE to_tsvector(%s::regconfig, k.name) @@ to_tsquery(%s::regconfig, %s))"
    )
    # The competencies the words name are found once; when there are none (most searches) no
    # claim is read. Else each company's verified claims of them, by the claims' unique index
    # (company, competency): the rule of CompanyCompetency.objects.verified(). As EXISTS, which
    # the planner costs per company: an IN list it cannot hash looked like thousands of rows
    # per company, which hid the search index's plan behind a scan of every company.
    verified = (
        f"(cardinality({named}) > 0 AND EXISTS (SELECT 1 FROM directory_companycompetency cc"
        f" WHERE cc.company_id = {_COMPANY}.id AND cc.competency_id = ANY({named})"
        f" AND {VERIFIED_CLAIM_SQL}))"
    )
    if facet_rows:
        # The same rule on the facet row's verified competencies, which drop a lapsed one.
        verified = f"(cardinality({named}) > 0 AND {VERIFIED_CLAIMS_SQL} && {named})"
    named_params = [SEARCH_CONFIG, SEARCH_CONFIG, tsquery_text(terms, joiner=" | ")]
    return {
        "name": any_word("A"),
        "verified_competency": (verified, named_params * 2),
        "competency": any_word("B"),
        "offering": any_word("C"),
        "description": any_word("D"),
    }


def score_sql(
    terms: list[str], weights: RankingWeights, *, facet_rows: bool = False
) -> tuple[str, list]:
    """The points of the company row (or the facet row ``f``) for these words, as SQL."""
    row = "f" if facet_rows else _COMPANY
    fields = field_sql(terms, facet_rows=facet_rows)
    parts, params = [], []
    for rule in ("name", "offering", "description"):
        sql, rule_params = fields[rule]
        parts.append(f"CASE WHEN {sql} THEN %s ELSE 0 END")
        params += [*rule_params, getattr(weights, rule)]
    (verified, verified_params), (claimed, claimed_params) = (
        fields["verified_competency"],
        fields["competency"],
    )
    parts.append(f"CASE WHEN {verified} THEN %s WHEN {claimed} THEN %s ELSE 0 END")
    params += [*verified_params, weights.verified_competency, *claimed_params, weights.competency]
    tiers = " ".join("WHEN %s THEN %s" for _ in weights.tier)
    parts.append(f"CASE {row}.tier {tiers} ELSE 0 END")
    params += [value for pair in weights.tier.items() for value in pair]
    parts.append(f"COALESCE({row}.rating_average, 0)::float8 * %s")
    parts.append(f"{row}.profile_completeness::float8 * %s")
    params += [weights.rating, weights.completeness / 100]
    return "(" + " + ".join(f"({part})" for part in parts) + ")", params


def _points(condition: Q, points: float) -> Case:
    return Case(When(condition, then=Value(points)), default=Value(0.0), output_field=FloatField())


def score_expression(terms: list[str], weights: RankingWeights | None = None):
    """The points of each company for these words: the sum of every rule that applies."""
    weights = weights or ranking_weights()
    if connection.vendor == "postgresql":
        return RawSQL(*score_sql(terms, weights), output_field=FloatField())
    fields = field_conditions(terms)
    tier = Case(
        *[When(tier=value, then=Value(points)) for value, points in weights.tier.items()],
        default=Value(0.0),
        output_field=FloatField(),
    )
    quality = ExpressionWrapper(
        Coalesce(Cast("rating_average", FloatField()), Value(0.0)) * Value(weights.rating)
        + Cast("profile_completeness", FloatField()) * Value(weights.completeness / 100),
        output_field=FloatField(),
    )
    score = tier + quality
    for rule in ("name", "offering", "description"):
        score = score + _points(fields[rule], getattr(weights, rule))
    competency = Case(
        When(fields["verified_competency"], then=Value(weights.verified_competency)),
        When(fields["competency"], then=Value(weights.competency)),
        default=Value(0.0),
        output_field=FloatField(),
    )
    return ExpressionWrapper(score + competency, output_field=FloatField())


# -- explanations --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RankReason:
    """One rule's points for a company, with what the rule read of it (``values``: the tier's
    code, the rating, the profile's percentage), so each page words it in its own language."""

    rule: str
    points: float
    values: dict[str, object] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """What the rule says of this company, in the active language."""
        return reason_label(self)


def reason_label(reason: RankReason) -> str:
    """``reason`` as a sentence of the active language, its numbers in the active locale."""
    value = next(iter(reason.values.values()), None)
    return _label(get_language(), reason.rule, value)


@functools.lru_cache(maxsize=2048)
def _label(language: str | None, rule: str, value: object) -> str:
    """One rule's words for one value (a page repeats the same few: each is worded once)."""
    if rule == "tier":
        name = Tier(value).label if value in Tier.values else value
        return gettext("%(tier)s tier") % {"tier": name}
    if rule == "rating":
        if value is None:
            return gettext("Not rated yet")
        return gettext("Rated %(rating)s of 5") % {"rating": number_format(value, 1)}
    if rule == "completeness":
        return gettext("Profile %(percent)s%% complete") % {"percent": number_format(value)}
    return gettext(LABELS[rule])


@dataclass(frozen=True)
class RankExplanation:
    """Why a result is where it is: its points, rule by rule."""

    score: float
    reasons: list[RankReason]


# What an explanation reads of a company besides the field flags of `explanation_columns`.
EXPLAINED_FIELDS = ("pk", "tier", "rating_average", "profile_completeness")


def explanation_columns(terms: list[str]) -> dict:
    """Per field rule, whether it applies: columns to annotate the page's query with (the
    embedded default's; PostgreSQL reads them from the facet rows, `explained_facet_rows`)."""
    return {
        f"hit_{rule}": ExpressionWrapper(condition, output_field=BooleanField())
        for rule, condition in field_conditions(terms).items()
    }


def rank_explanations(ids: list[int], terms: list[str]) -> dict[int, RankExplanation]:
    """Each of these companies' points for these words, rule by rule (one query)."""
    if connection.vendor == "postgresql":
        return dict(explained_facet_rows(ids, terms))
    columns = explanation_columns(terms)
    rows = Company.objects.filter(pk__in=ids).annotate(**columns)
    weights = ranking_weights()
    return {
        row["pk"]: rank_explanation(row, weights)
        for row in rows.values(*EXPLAINED_FIELDS, *columns)
    }


def explained_facet_rows(
    ids: list[int], terms: list[str], *, ranked: slice | None = None
) -> list[tuple[int, RankExplanation]]:
    """These companies with their points for these words, rule by rule, read from their facet
    rows in one statement of SQL (no query to build and compile); with ``ranked``, that slice
    of them in "best match" order (`score_sql`'s points, then rating, name and id).

    PostgreSQL only: the facet rows carry every column the rules read (migrations 0009-0011).
    """
    weights = ranking_weights()
    fields = field_sql(terms, facet_rows=True)
    columns = ", ".join(f"({sql})" for sql, _ in fields.values())
    params: list = [value for _, field_params in fields.values() for value in field_params]
    params.append(list(ids))
    order = ""
    if ranked is not None:
        score, score_params = score_sql(terms, weights, facet_rows=True)
        order = f" ORDER BY {score} DESC, {FACET_ROW_ORDER[SORT_RATING]} LIMIT %s OFFSET %s"
        params += [*score_params, ranked.stop - ranked.start, ranked.start]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT f.company_id, f.tier, f.rating_average, f.profile_completeness, {columns}"
            f" FROM directory_search_facets f WHERE f.company_id = ANY(%s::bigint[]){order}",
            params,
        )
        rows = cursor.fetchall()
    names = [*EXPLAINED_FIELDS, *(f"hit_{rule}" for rule in fields)]
    return [(row[0], rank_explanation(dict(zip(names, row, strict=True)), weights)) for row in rows]


def rank_explanation(row: dict, weights: RankingWeights) -> RankExplanation:
    """A company's points, rule by rule, from a row of `EXPLAINED_FIELDS` and field flags."""
    reasons = []
    for rule in FIELD_RULES:
        if rule == "competency" and row.get("hit_verified_competency"):
            continue  # a verified competency earns its own, higher, points instead
        if row.get(f"hit_{rule}"):
            reasons.append(RankReason(rule, getattr(weights, rule)))
    tier = row["tier"]
    reasons.append(RankReason("tier", weights.tier.get(tier, 0.0), {"tier": tier}))
    rating = row["rating_average"]
    reasons.append(
        RankReason(
            "rating",
            round(float(rating or 0) * weights.rating, 2),
            {"rating": float(rating) if rating else None},
        )
    )
    completeness = row["profile_completeness"]
    reasons.append(
        RankReason(
            "completeness",
            round(completeness * weights.completeness / 100, 2),
            {"percent": completeness},
        )
    )
    return RankExplanation(
        score=round(sum(reason.points for reason in reasons), 2), reasons=reasons
    )


def _weight_text(weight: float) -> str:
    """12 rather than 12.0; 0.15 as 0,15 in German."""
    return number_format(int(weight) if weight.is_integer() else weight)


def ranking_rules() -> list[tuple[str, str, list[str]]]:
    """(rule, what it rewards, its weights now, one a line) for the page stating the rules:
    in the active language, numbers in its locale."""
    weights = ranking_weights()
    rules: list[tuple[str, str, list[str]]] = []
    for rule in RULES:
        if rule == "tier":
            lines = [
                gettext("%(tier)s: %(points)s")
                % {"tier": Tier(value).label, "points": _weight_text(points)}
                for value, points in weights.tier.items()
            ]
        else:
            lines = [_weight_text(getattr(weights, rule))]
        rules.append((rule, gettext(LABELS[rule]), lines))
    return rules
