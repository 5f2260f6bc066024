from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext, gettext_noop
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language as django_set_language

from portal import health
from portal.forms import ProfileForm
from portal.paging import PageInvalid, PageOutOfRange
from portal.services import user_set_language, user_update_profile

PROFILE_SAVED = gettext_noop("Your profile has been saved.")


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {
        "database": health.database_status(),
        "broker": health.broker_status(),
        "cache": health.cache_status(),
    }
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(checks, status=200 if healthy else 503)


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user_update_profile(user=request.user, **form.cleaned_data)
        messages.success(request, gettext(PROFILE_SAVED))
        return redirect("profile")
    status = 400 if form.errors else 200
    return render(request, "portal/profile.html", {"form": form}, status=status)


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """The footer's language switcher: Django's set_language (the cookie, back to ``next``),
    and for a signed-in member the profile too, since the profile setting comes first."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        user_set_language(user=request.user, language=language)
    return response


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The 400 page (handler400); says why when the portal itself refused the input."""
    message = str(exception) if isinstance(exception, PageInvalid) else None
    return render(request, "400.html", {"message": message}, status=400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The 403 page (handler403), saying why in the reader's language: a refusal's message is
    an English msgid (gettext_noop where it is defined), translated here."""
    message = str(exception)
    return render(
        request, "403.html", {"exception": gettext(message) if message else ""}, status=403
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """The page for a form refused by CSRF protection (settings.CSRF_FAILURE_VIEW), in the
    portal's layout and the reader's language, instead of Django's technical one."""
    return render(request, "403_csrf.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The 404 page (handler404); for a page past the end of a list, how many pages there are
    and a link to the last one, the rest of the query kept."""
    context = {}
    if isinstance(exception, PageOutOfRange):
        query = request.GET.copy()
        query["page"] = str(exception.num_pages)
        context = {"page_missing": str(exception), "last_page_url": f"?{query.urlencode()}"}
    return render(request, "404.html", context, status=404)
