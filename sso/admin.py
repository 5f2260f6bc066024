from allauth.socialaccount.admin import SocialAppAdmin as AllauthSocialAppAdmin
from allauth.socialaccount.models import SocialApp
from django.contrib import admin

from sso.models import ConnectionLog, IdentityProviderConnection


class SocialAppAdmin(AllauthSocialAppAdmin):
    # Client secrets are never shown back, not even in the admin; set them through the
    # company's connection page (or the environment, for the staff identity provider).
    exclude = ("secret", "key")


admin.site.unregister(SocialApp)
admin.site.register(SocialApp, SocialAppAdmin)


@admin.register(IdentityProviderConnection)
class IdentityProviderConnectionAdmin(admin.ModelAdmin):
    list_display = ("company", "status", "password_sign_in", "requested_at", "decided_at")
    list_filter = ("status", "password_sign_in")
    # Decisions go through the review page, which audits them.
    readonly_fields = (
        "company",
        "app",
        "domains",
        "status",
        "requested_by",
        "requested_at",
        "decided_by",
        "decided_at",
        "rejection_reason",
        "password_sign_in",
    )

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(ConnectionLog)
class ConnectionLogAdmin(admin.ModelAdmin):
    list_display = ("connection", "action", "actor", "created_at")
    readonly_fields = ("connection", "action", "actor", "detail", "created_at")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
