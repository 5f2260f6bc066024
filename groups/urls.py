from django.urls import path

from groups.views import group, thread

app_name = "groups"

urlpatterns = [
    path("", group.group_list, name="list"),
    path("new/", group.group_create, name="create"),
    path("<slug:slug>/", group.group_detail, name="detail"),
    path("<slug:slug>/join/", group.group_join, name="join"),
    path("<slug:slug>/leave/", group.group_leave, name="leave"),
    path("<slug:slug>/invitation/", group.group_invitation, name="invitation"),
    path("<slug:slug>/members/", group.group_members, name="members"),
    path("<slug:slug>/threads/new/", thread.thread_create, name="thread-create"),
    path("<slug:slug>/threads/<int:thread_id>/", thread.thread_detail, name="thread"),
    path("<slug:slug>/threads/<int:thread_id>/reply/", thread.reply_create, name="reply"),
    path("<slug:slug>/threads/<int:thread_id>/edit/", thread.thread_edit, name="thread-edit"),
    path(
        "<slug:slug>/threads/<int:thread_id>/history/",
        thread.thread_history,
        name="thread-history",
    ),
    path("<slug:slug>/threads/<int:thread_id>/helpful/", thread.thread_vote, name="thread-vote"),
    path("<slug:slug>/replies/<int:reply_id>/edit/", thread.reply_edit, name="reply-edit"),
    path("<slug:slug>/replies/<int:reply_id>/helpful/", thread.reply_vote, name="reply-vote"),
    path("<slug:slug>/replies/<int:reply_id>/accept/", thread.reply_accept, name="reply-accept"),
]
