from django.urls import path

from collaboration import views

app_name = "collaboration"

urlpatterns = [
    path("", views.index, name="index"),
    path("requests/new/", views.request_create, name="request_create"),
    path("requests/<int:request_id>/respond/", views.request_respond, name="respond"),
    path("requests/<int:request_id>/close/", views.request_close, name="close"),
    path("c/<int:collaboration_id>/", views.collaboration_detail, name="detail"),
    path(
        "c/<int:collaboration_id>/participants/",
        views.participant_add,
        name="participant_add",
    ),
    path("referrals/new/", views.referral_create, name="referral_create"),
    path("referrals/<int:referral_id>/", views.referral_detail, name="referral"),
    path("referrals/escalated/", views.referrals_escalated, name="referrals_escalated"),
    path("referrals.csv", views.referrals_csv, name="referrals_csv"),
]
