from django.contrib import admin

from deals.models import DealRegistration, DealRegistrationEvent, DealReminder


class EventInline(admin.TabularInline):
    model = DealRegistrationEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "actor", "kind", "from_status", "to_status", "reason"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(DealRegistration)
class DealRegistrationAdmin(admin.ModelAdmin):
    """Read-mostly: decisions go through the review page, which audits and emails them."""

    list_display = [
        "customer_name",
        "customer_registrable_domain",
        "company",
        "status",
        "value",
        "currency",
        "submitted_at",
        "protected_until",
    ]
    list_filter = ["status", "is_influenced", "has_conflict"]
    list_select_related = ["company"]
    search_fields = ["customer_name", "customer_registrable_domain", "company__name"]
    raw_id_fields = [
        "company",
        "created_by",
        "source_thread",
        "source_request",
        "source_collaboration",
        "source_referral",
    ]
    readonly_fields = [
        "status",
        "customer_name_key",
        "customer_registrable_domain",
        "submitted_at",
        "decided_at",
        "approved_at",
        "protected_until",
        "closed_at",
        "is_influenced",
        "influence_evidence",
        "has_conflict",
    ]
    inlines = [EventInline]

    def has_add_permission(self, request) -> bool:
        return False  # partners register deals on /deals/new/, with the checks and audit row

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # decisions go through /deals/review/, which audits and emails them


@admin.register(DealReminder)
class DealReminderAdmin(admin.ModelAdmin):
    list_display = ["registration", "kind", "protected_until", "sent_at"]
    raw_id_fields = ["registration"]
