"""`/api/v1/partners/<slug>/`: one company as JSON, holding only the groups the caller may see."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from directory.selectors.companies import CompanyProfile, company_get_for_profile


class CompetencyClaimSerializer(serializers.Serializer):
    slug = serializers.CharField(source="competency.slug")
    name = serializers.CharField(source="competency.name")
    status = serializers.ChoiceField(
        choices=["self_declared", "verified", "expired"],
        help_text="`verified` only while the verification has not expired.",
    )
    expires_at = serializers.DateTimeField(allow_null=True)

    def to_representation(self, claim):
        data = super().to_representation(claim)
        if claim.status == "verified" and not claim.is_verified:
            data["status"] = "expired"
        return data


class DetailsSerializer(serializers.Serializer):
    website = serializers.URLField(source="company.website", allow_blank=True)
    hq_region = serializers.CharField(source="company.hq_region", allow_blank=True)
    hq_city = serializers.CharField(source="company.hq_city", allow_blank=True)
    size_band = serializers.CharField(source="company.size_band", allow_blank=True)
    founded = serializers.IntegerField(source="company.founded", allow_null=True)
    languages = serializers.ListField(source="company.languages", child=serializers.CharField())
    countries_served = serializers.SerializerMethodField(
        help_text="ISO 3166-1 alpha-2 codes besides the headquarters country."
    )

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_countries_served(self, profile: CompanyProfile) -> list[str]:
        return [row.country.code for row in profile.countries_served]


class OfferingSerializer(serializers.Serializer):
    kind = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField(allow_blank=True)


class ContactSerializer(serializers.Serializer):
    name = serializers.CharField(source="user.name")
    job_title = serializers.CharField(source="user.job_title", allow_blank=True)


class ReviewSerializer(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    title = serializers.CharField()
    body = serializers.CharField()
    author = serializers.CharField(source="author.name")
    created_at = serializers.DateTimeField()


class PartnerDetailSerializer(serializers.Serializer):
    """Overview fields are always present; `details`, `offerings`, `contacts` and `reviews`
    appear only when the caller may see them."""

    slug = serializers.SlugField(source="company.slug")
    name = serializers.CharField(source="company.name")
    description = serializers.CharField(source="company.description")
    logo = serializers.SerializerMethodField()
    tier = serializers.CharField(source="company.tier")
    hq_country = serializers.CharField(source="company.hq_country.code")
    rating_average = serializers.DecimalField(
        source="company.rating_average", max_digits=3, decimal_places=2, allow_null=True
    )
    rating_count = serializers.IntegerField(source="company.rating_count")
    competencies = CompetencyClaimSerializer(source="claims", many=True)
    industries = serializers.SerializerMethodField()
    tags = serializers.ListField(child=serializers.CharField())
    url = serializers.SerializerMethodField()
    details = DetailsSerializer(source="*", required=False)
    offerings = OfferingSerializer(many=True, required=False)
    contacts = ContactSerializer(many=True, required=False)
    reviews = ReviewSerializer(source="published_reviews", many=True, required=False)

    def get_logo(self, profile: CompanyProfile) -> str | None:
        logo = profile.company.logo
        return self.context["request"].build_absolute_uri(logo.url) if logo else None

    def get_industries(self, profile: CompanyProfile) -> list[str]:
        return [industry.slug for industry in profile.industries]

    def get_url(self, profile: CompanyProfile) -> str:
        return self.context["request"].build_absolute_uri(profile.company.get_absolute_url())

    def to_representation(self, profile: CompanyProfile) -> dict:
        data = super().to_representation(profile)
        for group in ("details", "offerings", "contacts", "reviews"):
            if group not in profile.visible:
                data.pop(group)
        return data


class PartnerDetailView(GenericAPIView):
    """One partner company with only the field groups visible to the caller; 404 if unknown."""

    serializer_class = PartnerDetailSerializer
    lookup_field = "slug"

    @extend_schema(
        operation_id="partners_retrieve",
        responses={
            200: PartnerDetailSerializer,
            404: OpenApiResponse(description="No company has this slug."),
        },
    )
    def get(self, request: Request, slug: str) -> Response:
        profile = company_get_for_profile(viewer=request.user, slug=slug)
        return Response(self.get_serializer(profile).data)
