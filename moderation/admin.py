from django.contrib import admin

from moderation.models import ModerationItem, ModerationLog, WatchedWord


@admin.register(ModerationItem)
class ModerationItemAdmin(admin.ModelAdmin):
    list_display = ["pk", "group", "source", "status", "score", "flag_count", "created_at"]
    list_filter = ["status", "source"]
    list_select_related = ["group"]
    raw_id_fields = ["group", "thread", "reply", "decided_by"]


@admin.register(ModerationLog)
class ModerationLogAdmin(admin.ModelAdmin):
    """The audit log is read-only: nobody edits history."""

    list_display = ["created_at", "group", "action", "actor", "reason"]
    list_filter = ["action"]
    list_select_related = ["group", "actor"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(WatchedWord)
class WatchedWordAdmin(admin.ModelAdmin):
    list_display = ["phrase", "created_by", "created_at"]
    search_fields = ["phrase"]
    raw_id_fields = ["created_by"]
