from django.contrib import admin

from directory.models import (
    ClaimedDomain,
    Company,
    CompanyCompetency,
    CompanyMembership,
    Competency,
    Industry,
    Review,
    VerificationLog,
)
from directory.services.search_index import company_index_refresh


def _claimants(competency: Competency) -> list[int]:
    return list(
        CompanyCompetency.objects.filter(competency=competency).values_list("company_id", flat=True)
    )


@admin.register(Competency)
class CompetencyAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    # A competency's name is a word of every claimant's search text: search reads them again.
    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if change and "name" in form.changed_data:
            company_index_refresh(company_ids=_claimants(obj))

    def delete_model(self, request, obj) -> None:
        claimants = _claimants(obj)
        super().delete_model(request, obj)
        company_index_refresh(company_ids=claimants)


@admin.register(Industry)
class IndustryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class ClaimInline(admin.TabularInline):
    model = CompanyCompetency
    raw_id_fields = ["verified_by"]
    extra = 0


class DomainInline(admin.TabularInline):
    model = ClaimedDomain
    extra = 0


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    """Day-to-day curation happens in the portal's own pages; this is the back office."""

    list_display = ["name", "tier", "hq_country", "rating_average", "profile_completeness"]
    list_filter = ["tier"]
    search_fields = ["name", "slug"]
    readonly_fields = ["rating_average", "rating_count", "profile_completeness"]
    inlines = [ClaimInline, DomainInline]

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        # The back office writes names, descriptions and claims itself: search reads them again.
        company_index_refresh(company_ids=[form.instance.pk])


@admin.register(CompanyMembership)
class CompanyMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "company", "role", "status", "requested_at"]
    list_filter = ["status", "role"]
    list_select_related = ["user", "company"]
    raw_id_fields = ["user", "company", "decided_by"]


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["title", "company", "rating", "status", "created_at"]
    list_filter = ["status", "rating"]
    list_select_related = ["company"]
    raw_id_fields = ["company", "author", "moderated_by"]


@admin.register(VerificationLog)
class VerificationLogAdmin(admin.ModelAdmin):
    list_display = ["created_at", "company", "action", "actor", "detail"]
    list_filter = ["action"]
    list_select_related = ["company", "actor"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
