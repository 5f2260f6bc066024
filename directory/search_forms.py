"""The directory search's parameters, validated once for the page and the API alike.

The view and the API turn a request's parameters into a `SearchParams` with
`search_params_clean` (or answer 400 with `SearchParamsInvalid`'s errors) and hand that to the
selector; `search_querystring` spells such parameters back as a canonical query string, for the
links of a page and of the API.
"""

from collections.abc import Mapping
from functools import cache

from django import forms
from django.http import QueryDict
from django.utils.functional import lazy
from django.utils.http import urlencode
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from directory.models import Competency, Industry, Tier
from directory.selectors.search import (
    SORT_NAME,
    SORT_NEWEST,
    SORT_RATING,
    SORT_RELEVANCE,
    SearchParams,
)
from portal.paging import PAGE_INVALID

MAX_QUERY_LENGTH = 200

SORT_CHOICES = [
    (SORT_RELEVANCE, _("Best match")),
    (SORT_RATING, _("Highest rated")),
    (SORT_NAME, _("Name (A–Z)")),
    (SORT_NEWEST, _("Newest")),
]

_QUERY_TOO_LONG = gettext_noop("The search text is too long: use at most %(max)d characters.")
ERROR_QUERY_TOO_LONG = _QUERY_TOO_LONG % {"max": MAX_QUERY_LENGTH}
ERROR_COMPETENCY = gettext_noop("Unknown competency: choose one from the list.")
ERROR_INDUSTRY = gettext_noop("Unknown industry: choose one from the list.")
ERROR_COUNTRY = gettext_noop("Unknown country: use a two-letter ISO 3166-1 code such as DE or FR.")
ERROR_TIER = gettext_noop("Unknown tier: choose registered, certified or gold.")
ERROR_VERIFIED = gettext_noop(
    "Use verified=1 to count only verified competencies, or leave it out."
)
ERROR_SORT = gettext_noop("Unknown sort order: choose relevance, rating, name or newest.")
ERROR_PAGE = PAGE_INVALID


class _CountryCodesField(forms.MultipleChoiceField):
    """Country codes, accepted in any case and kept upper-case.

    Checked against the set of codes, not by walking the ~250 named choices (each walk
    normalizes them all: 0.45 ms of the 1.1 ms the form took for a search with a country).
    """

    def to_python(self, value):
        return [str(v).strip().upper() for v in super().to_python(value)]

    def valid_value(self, value) -> bool:
        return value in _country_codes()


@cache
def _country_codes() -> frozenset[str]:
    """The ISO codes ``countries`` names; fixed for the life of the process, as its settings."""
    return frozenset(code for code, _name in countries)


class _SlugsField(forms.ModelMultipleChoiceField):
    """Vocabulary entries by slug, as a list; none asked is ``[]`` at once (the parent's
    ``none()`` queryset compiles its SQL to find nothing: 0.15 ms a field, most searches)."""

    def __init__(self, queryset, **kwargs):
        super().__init__(queryset, to_field_name="slug", required=False, **kwargs)

    def clean(self, value) -> list:
        if not value:
            return []
        return list(super().clean(value))


def _query_too_long() -> str:
    return gettext(_QUERY_TOO_LONG) % {"max": MAX_QUERY_LENGTH}


class CompanySearchForm(forms.Form):
    """Every parameter of ``/directory/`` and ``/api/v1/partners/``; all optional."""

    q = forms.CharField(
        label=_("Search partners"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        error_messages={"max_length": lazy(_query_too_long, str)()},
    )
    competency = _SlugsField(
        queryset=Competency.objects.all(),
        error_messages={
            "invalid_choice": _(ERROR_COMPETENCY),
            "invalid_pk_value": _(ERROR_COMPETENCY),
        },
    )
    industry = _SlugsField(
        queryset=Industry.objects.all(),
        error_messages={"invalid_choice": _(ERROR_INDUSTRY), "invalid_pk_value": _(ERROR_INDUSTRY)},
    )
    country = _CountryCodesField(
        choices=lambda: [(code, name) for code, name in countries],
        required=False,
        error_messages={"invalid_choice": _(ERROR_COUNTRY)},
    )
    tier = forms.ChoiceField(
        choices=[("", _("Any tier")), *Tier.choices],
        required=False,
        error_messages={"invalid_choice": _(ERROR_TIER)},
    )
    verified = forms.ChoiceField(
        choices=[("", _("All claims")), ("1", _("Verified only")), ("0", _("All claims"))],
        required=False,
        error_messages={"invalid_choice": _(ERROR_VERIFIED)},
    )
    sort = forms.ChoiceField(
        choices=SORT_CHOICES, required=False, error_messages={"invalid_choice": _(ERROR_SORT)}
    )
    # A page past the end is not invalid but missing: the search answers 404 (portal.paging).
    page = forms.IntegerField(
        min_value=1, required=False, error_messages={"invalid": ERROR_PAGE, "min_value": ERROR_PAGE}
    )

    def clean_q(self) -> str:
        return " ".join(self.cleaned_data["q"].split())

    def clean_verified(self) -> bool:
        return self.cleaned_data["verified"] == "1"

    def clean_sort(self) -> str:
        return self.cleaned_data["sort"] or SORT_RELEVANCE

    def clean_page(self) -> int:
        return self.cleaned_data["page"] or 1


class SearchParamsInvalid(ValueError):
    """The request's search parameters failed validation; ``errors`` maps field to messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(m for messages in errors.values() for m in messages))
        self.errors = errors


def search_params_clean(data: QueryDict | Mapping) -> SearchParams:
    """The search these request parameters ask for; SearchParamsInvalid naming each bad one.

    ``data`` is a request's QueryDict, or a mapping whose values are strings or lists of them.
    """
    form = CompanySearchForm(_as_querydict(data))
    if not form.is_valid():
        raise SearchParamsInvalid({name: list(errs) for name, errs in form.errors.items()})
    cleaned = form.cleaned_data
    return SearchParams(
        q=cleaned["q"],
        competency=tuple(cleaned["competency"]),
        industry=tuple(cleaned["industry"]),
        country=tuple(cleaned["country"]),
        tier=cleaned["tier"],
        verified=cleaned["verified"],
        sort=cleaned["sort"],
        page=cleaned["page"],
    )


def _as_querydict(data: QueryDict | Mapping) -> QueryDict:
    if isinstance(data, QueryDict):
        return data
    query = QueryDict(mutable=True)
    for key, value in data.items():
        query.setlist(key, [str(v) for v in value] if isinstance(value, list | tuple) else [value])
    return query


def search_querystring(
    params: SearchParams, *, page: int = 1, drop: tuple[str, str] | None = None
) -> str:
    """These parameters as a canonical query string, at ``page``, without the one ``drop``
    names (a ``(name, value)`` pair)."""
    pairs = [pair for pair in _param_pairs(params) if pair != drop]
    if page > 1:
        pairs.append(("page", str(page)))
    return urlencode(pairs)


def _param_pairs(params: SearchParams) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    if params.q:
        pairs.append(("q", params.q))
    pairs += [("competency", c.slug) for c in params.competency]
    pairs += [("industry", i.slug) for i in params.industry]
    pairs += [("country", code) for code in params.country]
    if params.tier:
        pairs.append(("tier", params.tier))
    if params.verified:
        pairs.append(("verified", "1"))
    if params.sort != SORT_RELEVANCE:
        pairs.append(("sort", params.sort))
    return pairs
