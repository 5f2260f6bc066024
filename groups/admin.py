from django.contrib import admin

from groups.models import Flag, Group, GroupMembership, Reply, Thread


class MembershipInline(admin.TabularInline):
    model = GroupMembership
    raw_id_fields = ["user", "invited_by"]
    extra = 0


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "visibility",
        "join_policy",
        "moderation_policy",
        "member_count",
        "thread_count",
    ]
    list_filter = ["visibility", "join_policy", "moderation_policy"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["member_count", "thread_count", "last_activity_at"]
    raw_id_fields = ["created_by"]
    inlines = [MembershipInline]


@admin.register(Thread)
class ThreadAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "group",
        "kind",
        "status",
        "author",
        "helpful_count",
        "reply_count",
        "created_at",
    ]
    list_filter = ["status", "kind", "is_pinned", "is_locked"]
    search_fields = ["title"]
    list_select_related = ["group", "author"]
    raw_id_fields = ["group", "author", "author_company", "accepted_reply"]
    readonly_fields = ["body_html", "helpful_count", "reply_count"]


@admin.register(Reply)
class ReplyAdmin(admin.ModelAdmin):
    list_display = ["pk", "thread", "author", "status", "created_at"]
    list_filter = ["status"]
    list_select_related = ["thread", "author"]
    raw_id_fields = ["thread", "author", "author_company"]
    readonly_fields = ["body_html", "helpful_count"]


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):
    list_display = ["reason", "reporter", "thread", "reply", "created_at"]
    list_filter = ["reason"]
    raw_id_fields = ["reporter", "thread", "reply"]
