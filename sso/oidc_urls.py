"""allauth's OpenID Connect sign-in and callback, answering "your identity provider did not
answer" (503) instead of a server error when the provider is down at either step. Mounted at
accounts/oidc/ ahead of allauth's own URLs, so allauth's route names still reverse to the same
paths."""

from django.urls import path

from sso import views

urlpatterns = [
    path("<str:provider_id>/login/", views.oidc_login),
    path("<str:provider_id>/login/callback/", views.oidc_callback),
]
