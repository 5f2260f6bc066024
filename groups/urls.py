from django.urls import path

from groups import views

app_name = "groups"

urlpatterns = [
    path("", views.group_list, name="list"),
    path("new/", views.group_create, name="create"),
    path("<slug:slug>/", views.group_detail, name="detail"),
    path("<slug:slug>/join/", views.group_join, name="join"),
    path("<slug:slug>/leave/", views.group_leave, name="leave"),
    path("<slug:slug>/invitation/", views.group_invitation, name="invitation"),
    path("<slug:slug>/members/", views.group_members, name="members"),
    path("<slug:slug>/threads/new/", views.thread_create, name="thread-create"),
    path("<slug:slug>/threads/<int:thread_id>/", views.thread_detail, name="thread"),
    path("<slug:slug>/threads/<int:thread_id>/reply/", views.reply_create, name="reply"),
    path("<slug:slug>/threads/<int:thread_id>/edit/", views.thread_edit, name="thread-edit"),
    path(
        "<slug:slug>/threads/<int:thread_id>/history/",
        views.thread_history,
        name="thread-history",
    ),
    path("<slug:slug>/threads/<int:thread_id>/helpful/", views.thread_vote, name="thread-vote"),
    path("<slug:slug>/replies/<int:reply_id>/edit/", views.reply_edit, name="reply-edit"),
    path("<slug:slug>/replies/<int:reply_id>/helpful/", views.reply_vote, name="reply-vote"),
    path("<slug:slug>/replies/<int:reply_id>/accept/", views.reply_accept, name="reply-accept"),
]
