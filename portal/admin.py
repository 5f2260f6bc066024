from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest

from portal.models import MfaAuditEntry, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name", "job_title", "is_staff", "is_active", "date_joined"]
    search_fields = ["email", "display_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("display_name", "job_title", "time_zone")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


# Authenticators are changed by their owner on /accounts/2fa/ or reset by staff with
# `manage.py mfa_reset` (audited, emailed); the admin only lists them, without their secrets.
admin.site.unregister(Authenticator)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Authenticator)
class AuthenticatorAdmin(ReadOnlyAdmin):
    list_display = ["user", "type", "created_at", "last_used_at"]
    list_filter = ["type"]
    search_fields = ["user__email"]
    fields = ["user", "type", "created_at", "last_used_at"]
    list_select_related = ["user"]


@admin.register(MfaAuditEntry)
class MfaAuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "user", "action", "authenticator_type", "actor", "ip_address"]
    list_filter = ["action", "authenticator_type"]
    search_fields = ["user__email", "actor__email"]
    fields = ["created_at", "user", "action", "authenticator_type", "actor", "ip_address", "reason"]
    list_select_related = ["user", "actor"]
