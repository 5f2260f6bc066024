from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView

from portal import views
from portal.media import media_urlpatterns

# The admin signs in through allauth, so its login shares allauth's rate limits.
admin.site.login = login_required(admin.site.login)
admin.site.site_header = _("Partner Portal administration")
admin.site.site_title = _("Partner Portal administration")

# Say why: a refused page number (400), a refusal (403), a page past the end of a list (404).
handler400 = "portal.views.bad_request"
handler403 = "portal.views.permission_denied"
handler404 = "portal.views.page_not_found"

urlpatterns = [
    path("", include("home.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/profile/", views.profile, name="profile"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    # Before allauth's: its OpenID Connect views, with a clear page when the provider is down.
    path("accounts/oidc/", include("sso.oidc_urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/v1/", include("directory.api_urls")),
    path("directory/", include("directory.urls")),
    path("groups/", include("groups.urls")),
    path("moderation/", include("moderation.urls")),
    path("collaborate/", include("collaboration.urls")),
    path("deals/", include("deals.urls")),
    path("digest/", include("digests.urls")),
    path("analytics/", include("analytics.urls")),
    path("sso/", include("sso.urls")),
]

# Uploaded logos, served by the portal whatever DEBUG is (none of this with S3 storage).
urlpatterns += media_urlpatterns()
