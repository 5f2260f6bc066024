from django.urls import path

from directory.views import profile, search

app_name = "directory"

urlpatterns = [
    path("", search.company_search, name="search"),
    # Two segments: no company slug can shadow it.
    path("about/ranking/", search.ranking_rules, name="ranking"),
    path("<slug:slug>/", profile.company_profile, name="profile"),
    path("<slug:slug>/edit/", profile.company_edit, name="edit"),
    path("<slug:slug>/join/", profile.membership_request, name="join"),
    path("<slug:slug>/members/", profile.membership_list, name="members"),
    path("<slug:slug>/review/", profile.review_create, name="review"),
    path("<slug:slug>/curate/", profile.company_curate, name="curate"),
    path("reviews/pending/", profile.review_queue, name="review-queue"),
]
