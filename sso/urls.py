from django.urls import path

from sso import views

app_name = "sso"

urlpatterns = [
    path("sign-in/", views.sign_in, name="sign-in"),
    path("companies/<slug:slug>/", views.company_connection, name="company"),
    path(
        "companies/<slug:slug>/saml-metadata.xml",
        views.company_saml_metadata,
        name="company-saml-metadata",
    ),
    path(
        "companies/<slug:slug>/password-sign-in/",
        views.company_password_sign_in,
        name="company-password",
    ),
    path("review/", views.review_list, name="review"),
    path("review/<int:connection_id>/", views.review_detail, name="review-detail"),
    path(
        "review/<int:connection_id>/password-sign-in/",
        views.review_password_sign_in,
        name="review-password",
    ),
]
