"""Input that no page can use is refused here, once, before any view sees it."""

import zoneinfo

from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop

from portal.mfa import ENROLMENT_REQUIRED, is_enrolment_page, mfa_enrolment_required

NUL_REFUSED = gettext_noop(
    "The address or form contains a NUL character (%00), which no page of the portal accepts. "
    "Remove it and try again."
)
FORM_URLENCODED = "application/x-www-form-urlencoded"


class RefuseNulMiddleware:
    """Answer 400 to a request carrying a NUL byte in its path, query, form data or cookies.

    PostgreSQL refuses NUL in any string, so a NUL reaching a query is a 500: Django's form
    CharFields refuse it, but a view reading ``request.GET`` directly or a session cookie does
    not. It sits before the session middleware so a forged session key never reaches the
    database; the error page is therefore rendered as for a visitor, in the language of the
    language cookie or Accept-Language.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _carries_nul(request):
            # Before LocaleMiddleware: the visitor's language from the cookie or the browser.
            with translation.override(translation.get_language_from_request(request)):
                message = gettext(NUL_REFUSED)
                return render(request, "400.html", {"message": message}, status=400)
        return self.get_response(request)


def _carries_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path:
        return True
    for data in (request.GET, _form_data(request)):
        for key, values in data.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                return True
    return any("\x00" in key or "\x00" in value for key, value in request.COOKIES.items())


def _form_data(request: HttpRequest) -> QueryDict:
    # Only a urlencoded body (every form without a file): parsing a multipart body here would
    # take the upload handlers (size limits) out of the view's hands. Multipart fields reach
    # the view's form, whose text fields refuse NUL themselves.
    if request.method == "POST" and request.content_type == FORM_URLENCODED:
        return request.POST
    return QueryDict()


class MfaEnrolmentRequiredMiddleware:
    """Send a signed-in person who must use two-factor authentication (settings.
    MFA_REQUIRED_ROLES) and has not enrolled yet to the enrolment page, whatever they asked for.

    Only the enrolment pages, signing out and the health check stay reachable (portal/mfa.py);
    the API answers 403 with the reason in JSON rather than redirecting to a form;
    ``request.mfa_enrolment_required`` tells the page to say why. Sits after allauth's
    middleware, so it sees the signed-in user.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.mfa_enrolment_required = mfa_enrolment_required(request.user)
        if request.mfa_enrolment_required and not is_enrolment_page(_url_name(request)):
            if request.path_info.startswith("/api/"):
                # A program reading the API cannot follow a redirect to a form: say why instead.
                return JsonResponse(
                    {"detail": gettext(ENROLMENT_REQUIRED), "enrol_url": reverse("mfa_index")},
                    status=403,
                )
            return redirect("mfa_index")
        return self.get_response(request)


def _url_name(request: HttpRequest) -> str | None:
    try:
        return resolve(request.path_info).view_name
    except Resolver404:
        return None


class ProfileLanguageMiddleware:
    """Speak a signed-in member's chosen language, whatever the cookie or browser says.

    LocaleMiddleware has already picked the cookie or Accept-Language (a visitor's choice); the
    profile setting comes first for a member, so it is activated here, after authentication.
    LocaleMiddleware's response step then labels the page (Content-Language, Vary).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        language = getattr(user, "language", "") if user is not None else ""
        if language and user.is_authenticated:
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


class ProfileTimeZoneMiddleware:
    """Show a signed-in member's dates and times in their profile's time zone (visitors see
    ``TIME_ZONE``). After authentication; forms read entered times in the same zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        name = getattr(user, "time_zone", "") if user is not None else ""
        if name and user.is_authenticated:
            try:
                timezone.activate(zoneinfo.ZoneInfo(name))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
