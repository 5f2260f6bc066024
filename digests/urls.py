from django.urls import path

from digests import views

app_name = "digests"

urlpatterns = [
    path("preferences/", views.preferences, name="preferences"),
    path("preferences/<str:token>/", views.manage, name="manage"),
    path("preview/", views.preview, name="preview"),
    path("preview/email/", views.preview_email, name="preview-email"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
