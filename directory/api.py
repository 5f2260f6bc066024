"""The directory as JSON: the partner search (list) and one partner (detail)."""

from urllib.parse import urljoin

from django.urls import reverse
from django.utils.translation import gettext, gettext_noop
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from directory.models import Company, Tier
from directory.search_forms import (
    SORT_CHOICES,
    SearchParamsInvalid,
    search_params_clean,
    search_querystring,
)
from directory.selectors.search import CompanyCard, SearchResult, company_search
from portal.paging import PageOutOfRange
from portal.ratelimits import MemberRateThrottle
from portal.urltemplates import UrlTemplate

# =============================================================================================
# Partner search: GET /api/v1/partners/  (owner: directory search)
# =============================================================================================

INVALID_SEARCH = gettext_noop("Invalid search parameters.")
# What DRF's own paginators answer for a page that does not exist, with a 404.
INVALID_PAGE = PageNumberPagination.invalid_page_message


class VerifiedCompetencySerializer(serializers.Serializer):
    slug = serializers.CharField(source="competency.slug")
    name = serializers.CharField(source="competency.name")


class RankReasonSerializer(serializers.Serializer):
    rule = serializers.CharField(help_text="The ranking rule (see /directory/about/ranking/).")
    label = serializers.CharField(help_text="What the rule says, in the request's language.")
    points = serializers.FloatField()
    values = serializers.DictField(
        help_text='What the rule read: {"tier": code}, {"rating": stars or null}, {"percent": n}.'
    )


class RankExplanationSerializer(serializers.Serializer):
    score = serializers.FloatField(help_text="The sum of the points; best match orders by it.")
    reasons = RankReasonSerializer(many=True)


class PartnerListItemSerializer(serializers.ModelSerializer):
    """A search result: the public overview of a company."""

    url = serializers.SerializerMethodField()
    profile_url = serializers.SerializerMethodField()
    logo = serializers.SerializerMethodField()
    hq_country = serializers.CharField(source="hq_country.code")
    hq_country_name = serializers.CharField(source="hq_country.name")
    rating_average = serializers.FloatField(allow_null=True)
    verified_competencies = VerifiedCompetencySerializer(source="verified_claims", many=True)
    ranking = RankExplanationSerializer(
        allow_null=True,
        help_text="Why best match put it here (a search with words and sort=relevance), else null.",
    )

    class Meta:
        model = Company
        fields = [
            "slug",
            "name",
            "url",
            "profile_url",
            "description",
            "logo",
            "tier",
            "hq_country",
            "hq_country_name",
            "rating_average",
            "rating_count",
            "verified_competencies",
            "ranking",
        ]

    def get_url(self, company: Company) -> str:
        path = reverse("api-partner-detail", kwargs={"slug": company.slug})
        return self.context["request"].build_absolute_uri(path)

    def get_profile_url(self, company: Company) -> str:
        return self.context["request"].build_absolute_uri(company.get_absolute_url())

    def get_logo(self, company: Company) -> str | None:
        if not company.logo:
            return None
        return self.context["request"].build_absolute_uri(company.logo.url)


class FacetValueSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField(help_text="Results with this value under the other filters.")
    selected = serializers.BooleanField()


class FacetsSerializer(serializers.Serializer):
    competency = FacetValueSerializer(many=True)
    industry = FacetValueSerializer(many=True)
    country = FacetValueSerializer(many=True)
    tier = FacetValueSerializer(many=True)


class SearchSpellingSerializer(serializers.Serializer):
    q = serializers.CharField()
    fuzzy = serializers.BooleanField(
        help_text="True when q found nothing and its closest known spelling was searched."
    )
    searched_for = serializers.CharField(
        allow_null=True, help_text="The words searched instead of q (fuzzy), else null."
    )
    did_you_mean = serializers.CharField(
        allow_null=True, help_text="A closer known spelling when q found few results."
    )


class PartnerListResponseSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    count_approximate = serializers.BooleanField(
        help_text="True when more than 10,000 match: count is then an estimate."
    )
    facets_approximate = serializers.BooleanField(
        help_text="True when the facet counts were estimated from a sample (many matches)."
    )
    search = SearchSpellingSerializer()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = PartnerListItemSerializer(many=True)
    facets = FacetsSerializer()


class SearchErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


SEARCH_PARAMETERS = [
    OpenApiParameter("q", OpenApiTypes.STR, description="Free text; every word prefix-matches."),
    OpenApiParameter(
        "competency",
        OpenApiTypes.STR,
        many=True,
        explode=True,
        description="Competency slug; repeat for any of several.",
    ),
    OpenApiParameter(
        "industry",
        OpenApiTypes.STR,
        many=True,
        explode=True,
        description="Industry slug; repeat for any of several.",
    ),
    OpenApiParameter(
        "country",
        OpenApiTypes.STR,
        many=True,
        explode=True,
        description="ISO 3166-1 alpha-2 code (headquarters or served); repeat for any of several.",
    ),
    OpenApiParameter("tier", OpenApiTypes.STR, enum=Tier.values),
    OpenApiParameter(
        "verified",
        OpenApiTypes.STR,
        enum=["1"],
        description="1: only verified, unexpired claims count for the competency filter.",
    ),
    OpenApiParameter(
        "sort",
        OpenApiTypes.STR,
        enum=[value for value, _ in SORT_CHOICES],
        description=(
            "relevance (default; by rating without q), rating, name or newest. Relevance orders"
            " by the points of the published ranking rules (/directory/about/ranking/; each"
            " result's ranking says which applied) while a search matches at most 2,000"
            " companies; above that, the first page ranks by points the 20 best-rated"
            " companies with a search word in their name and the 20 best-rated of all, then"
            " companies with a search word in their name come first, then the other matches,"
            " each group by rating."
        ),
    ),
    OpenApiParameter(
        "page",
        OpenApiTypes.INT,
        description="1-based; 20 results per page; a page past the end answers 404.",
    ),
]


class PartnerListView(APIView):
    """Search the partner directory: the same parameters and facets as ``/directory/``."""

    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle, MemberRateThrottle]

    @extend_schema(
        operation_id="partners_search",
        parameters=SEARCH_PARAMETERS,
        responses={
            200: PartnerListResponseSerializer,
            400: OpenApiResponse(SearchErrorSerializer, description="Invalid parameters."),
            404: OpenApiResponse(
                SearchErrorSerializer, description="A page past the end: 'Invalid page.'"
            ),
            429: OpenApiResponse(description="Too many requests."),
        },
    )
    def get(self, request: Request) -> Response:
        try:
            params = search_params_clean(request.query_params)
        except SearchParamsInvalid as invalid:
            return Response(
                {"detail": gettext(INVALID_SEARCH), "errors": invalid.errors}, status=400
            )
        try:
            result = company_search(viewer=request.user, params=params)
        except PageOutOfRange as missing:
            return Response({"detail": str(INVALID_PAGE), "errors": {"page": [str(missing)]}}, 404)
        return Response(self._body(request, result))

    @staticmethod
    def _body(request: Request, result: SearchResult) -> dict:
        def link(page: int) -> str:
            query = search_querystring(result.params, page=page)
            return request.build_absolute_uri(request.path + (f"?{query}" if query else ""))

        base = request.build_absolute_uri("/")[:-1]
        detail_url = UrlTemplate("api-partner-detail", per_row=("slug",))
        results = [
            _partner_item(card, base, base + detail_url.fill(slug=card.slug))
            for card in result.companies
        ]
        return {
            "count": result.count,
            "count_approximate": result.count_approximate,
            "search": {
                "q": result.params.q,
                "fuzzy": bool(result.searched_for),
                "searched_for": result.searched_for or None,
                "did_you_mean": result.did_you_mean or None,
            },
            "facets_approximate": result.facets_approximate,
            "next": link(result.page + 1) if result.has_next else None,
            "previous": link(result.page - 1) if result.has_previous else None,
            "results": results,
            # Plain dicts: FacetsSerializer documents this shape, but ~80 values per answer
            # through DRF fields cost more than the whole database work of a cached search.
            "facets": {
                name: [
                    {"value": v.value, "label": v.label, "count": v.count, "selected": v.selected}
                    for v in values
                ]
                for name, values in result.facets.items()
            },
        }


def _partner_item(card: CompanyCard, base: str, url: str) -> dict:
    """PartnerListItemSerializer's shape built by hand: a page of results is the hot path."""
    return {
        "slug": card.slug,
        "name": card.name,
        "url": url,
        "profile_url": base + card.url,
        "description": card.description,
        "logo": urljoin(base + "/", card.logo_url) if card.logo_url else None,
        "tier": card.tier,
        "hq_country": card.hq_country,
        "hq_country_name": card.hq_country_name,
        "rating_average": (float(card.rating_average) if card.rating_average is not None else None),
        "rating_count": card.rating_count,
        "verified_competencies": [
            {"slug": competency.slug, "name": competency.name}
            for competency in card.verified_competencies
        ],
        "ranking": _ranking(card),
    }


def _ranking(card: CompanyCard) -> dict | None:
    if card.ranking is None:
        return None
    return {
        "score": card.ranking.score,
        "reasons": [
            {
                "rule": reason.rule,
                "label": reason.label,
                "points": reason.points,
                "values": reason.values,
            }
            for reason in card.ranking.reasons
        ],
    }


# =============================================================================================
# Partner detail: GET /api/v1/partners/<slug>/  (owner: directory profiles) — appended below.
# =============================================================================================
# The serializers and the view live in directory/api_detail.py; re-exported for api_urls.
from directory.api_detail import PartnerDetailView  # noqa: E402

__all__ = ["PartnerDetailView", "PartnerListView"]
