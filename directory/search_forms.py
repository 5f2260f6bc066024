"""The directory search's parameters, validated once for the page and the API alike."""

from django import forms
from django_countries import countries

from directory.models import Competency, Industry, Tier
from portal.paging import PAGE_INVALID

PAGE_SIZE = 20
MAX_QUERY_LENGTH = 200

SORT_RELEVANCE = "relevance"
SORT_RATING = "rating"
SORT_NAME = "name"
SORT_NEWEST = "newest"
SORT_CHOICES = [
    (SORT_RELEVANCE, "Best match"),
    (SORT_RATING, "Highest rated"),
    (SORT_NAME, "Name (A–Z)"),
    (SORT_NEWEST, "Newest"),
]

ERROR_QUERY_TOO_LONG = f"The search text is too long: use at most {MAX_QUERY_LENGTH} characters."
ERROR_COMPETENCY = "Unknown competency: choose one from the list."
ERROR_INDUSTRY = "Unknown industry: choose one from the list."
ERROR_COUNTRY = "Unknown country: use a two-letter ISO 3166-1 code such as DE or FR."
ERROR_TIER = "Unknown tier: choose registered, certified or gold."
ERROR_VERIFIED = "Use verified=1 to count only verified competencies, or leave it out."
ERROR_SORT = "Unknown sort order: choose relevance, rating, name or newest."
ERROR_PAGE = PAGE_INVALID


class _UpperCaseMultipleChoiceField(forms.MultipleChoiceField):
    """Country codes are accepted in any case and kept upper-case."""

    def to_python(self, value):
        return [str(v).strip().upper() for v in super().to_python(value)]


class CompanySearchForm(forms.Form):
    """Every parameter of ``/directory/`` and ``/api/v1/partners/``; all optional."""

    q = forms.CharField(
        label="Search partners",
        required=False,
        max_length=MAX_QUERY_LENGTH,
        error_messages={"max_length": ERROR_QUERY_TOO_LONG},
    )
    competency = forms.ModelMultipleChoiceField(
        queryset=Competency.objects.all(),
        to_field_name="slug",
        required=False,
        error_messages={"invalid_choice": ERROR_COMPETENCY, "invalid_pk_value": ERROR_COMPETENCY},
    )
    industry = forms.ModelMultipleChoiceField(
        queryset=Industry.objects.all(),
        to_field_name="slug",
        required=False,
        error_messages={"invalid_choice": ERROR_INDUSTRY, "invalid_pk_value": ERROR_INDUSTRY},
    )
    country = _UpperCaseMultipleChoiceField(
        choices=lambda: [(code, name) for code, name in countries],
        required=False,
        error_messages={"invalid_choice": ERROR_COUNTRY},
    )
    tier = forms.ChoiceField(
        choices=[("", "Any tier"), *Tier.choices],
        required=False,
        error_messages={"invalid_choice": ERROR_TIER},
    )
    verified = forms.ChoiceField(
        choices=[("", "All claims"), ("1", "Verified only"), ("0", "All claims")],
        required=False,
        error_messages={"invalid_choice": ERROR_VERIFIED},
    )
    sort = forms.ChoiceField(
        choices=SORT_CHOICES, required=False, error_messages={"invalid_choice": ERROR_SORT}
    )
    # A page past the end is not invalid but missing: the search answers 404 (portal.paging).
    page = forms.IntegerField(
        min_value=1, required=False, error_messages={"invalid": ERROR_PAGE, "min_value": ERROR_PAGE}
    )

    def clean_q(self) -> str:
        return " ".join(self.cleaned_data["q"].split())

    # Lists, not querysets: an empty field's ``none()`` queryset is compiled on every truth test.
    def clean_competency(self) -> list:
        return list(self.cleaned_data["competency"])

    def clean_industry(self) -> list:
        return list(self.cleaned_data["industry"])

    def clean_verified(self) -> bool:
        return self.cleaned_data["verified"] == "1"

    def clean_sort(self) -> str:
        return self.cleaned_data["sort"] or SORT_RELEVANCE

    def clean_page(self) -> int:
        return self.cleaned_data["page"] or 1
