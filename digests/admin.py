from django.contrib import admin

from digests.models import DigestPreference, DigestSent


@admin.register(DigestPreference)
class DigestPreferenceAdmin(admin.ModelAdmin):
    list_display = ["member", "frequency", "updated_at"]
    list_filter = ["frequency"]
    raw_id_fields = ["member"]


@admin.register(DigestSent)
class DigestSentAdmin(admin.ModelAdmin):
    list_display = ["member", "period_key", "status", "item_count", "created_at", "attempted_at"]
    list_filter = ["status", "period_key"]
    raw_id_fields = ["member"]
