from django.contrib import admin

from collaboration.models import Collaboration, FindPartnerRequest, Referral


@admin.register(FindPartnerRequest)
class FindPartnerRequestAdmin(admin.ModelAdmin):
    list_display = ["thread", "company", "status", "deadline", "awarded_to", "created_at"]
    list_filter = ["status"]
    list_select_related = ["thread", "company", "awarded_to"]
    raw_id_fields = ["thread", "company", "awarded_to"]


@admin.register(Collaboration)
class CollaborationAdmin(admin.ModelAdmin):
    list_display = ["subject", "requesting_company", "responding_company", "created_at"]
    list_select_related = ["requesting_company", "responding_company"]
    raw_id_fields = [
        "request",
        "requesting_company",
        "responding_company",
        "created_by",
        "participants",
    ]


@admin.register(Referral)
class ReferralAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "from_company",
        "to_company",
        "status",
        "value",
        "currency",
        "created_at",
    ]
    list_filter = ["status", "currency", "value_range"]
    list_select_related = ["from_company", "to_company"]
    readonly_fields = ["reminder_due_at", "reminded_at", "escalation_due_at", "escalated_at"]
    raw_id_fields = [
        "industry",
        "from_company",
        "to_company",
        "request",
        "collaboration",
        "thread",
        "created_by",
    ]
