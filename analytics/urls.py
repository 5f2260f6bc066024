from django.urls import path

from analytics import views

app_name = "analytics"

urlpatterns = [
    path("", views.index, name="index"),
    path("export/<slug:table>.csv", views.export, name="export"),
    path("refresh/", views.refresh, name="refresh"),
    path("scorecards/", views.league, name="league"),
    path("scorecards/export.csv", views.league_export, name="league-export"),
    path("scorecards/recompute/", views.recompute, name="recompute"),
    path("scorecards/rules/", views.rules, name="rules"),
    path("scorecards/mine/", views.my_scorecard, name="my-scorecard"),
    path("scorecards/<slug:slug>/", views.scorecard, name="scorecard"),
    path("scorecards/<slug:slug>/export.csv", views.scorecard_export, name="scorecard-export"),
    path("proposals/<int:proposal_id>/apply/", views.proposal_apply, name="proposal-apply"),
    path("proposals/<int:proposal_id>/dismiss/", views.proposal_dismiss, name="proposal-dismiss"),
]
