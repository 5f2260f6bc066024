from django.urls import path

from moderation import views

app_name = "moderation"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("items/bulk/", views.items_bulk, name="bulk"),
    path("items/<int:item_id>/<str:action>/", views.item_decide, name="item-action"),
    path("flag/<str:kind>/<int:post_id>/", views.flag, name="flag"),
    path("threads/<int:thread_id>/<str:action>/", views.thread_action, name="thread-action"),
    path("groups/<slug:slug>/ban/<int:user_id>/", views.ban, name="ban"),
    path("groups/<slug:slug>/unban/<int:user_id>/", views.unban, name="unban"),
    path("watched-words/", views.watched_words, name="watched-words"),
    path(
        "watched-words/<int:word_id>/delete/",
        views.watched_word_delete,
        name="watched-word-delete",
    ),
]
