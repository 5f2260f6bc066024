"""Digest pages: preferences (signed in or by signed link), one-click unsubscribe, preview."""

from csp.decorators import csp_replace
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from digests.forms import DigestPreferencesForm
from digests.selectors import digests_for_members, member_for_preview
from digests.services import (
    digest_frequency_of,
    digest_message,
    digest_preferences_update,
    digest_token_member,
    digest_unsubscribe,
)
from groups.models import GroupMembership

PREFERENCES_SAVED = gettext_noop("Your digest preferences have been saved.")
LINK_INVALID = gettext_noop(
    "This digest link is not valid any more: it has expired or was changed. "
    "Sign in and open your profile to change your digest settings."
)
UNSUBSCRIBED = gettext_noop("You will not receive digest emails any more.")


def _token_invalid(request: HttpRequest) -> HttpResponse:
    return render(
        request, "digests/token_invalid.html", {"message": gettext(LINK_INVALID)}, status=400
    )


def _preferences_page(request: HttpRequest, member, *, action_url: str) -> HttpResponse:
    memberships = list(
        GroupMembership.objects.filter(user=member, status=GroupMembership.Status.ACTIVE)
        .select_related("group")
        .order_by("group__name")
    )
    if request.method == "POST":
        form = DigestPreferencesForm(request.POST, memberships=memberships)
        if form.is_valid():
            digest_preferences_update(
                member=member,
                frequency=form.cleaned_data["frequency"],
                enabled_group_ids=set(form.cleaned_data.get("groups", [])),
            )
            messages.success(request, gettext(PREFERENCES_SAVED))
            return redirect(action_url)
    else:
        form = DigestPreferencesForm(
            memberships=memberships,
            initial={
                "frequency": digest_frequency_of(member=member),
                "groups": [m.group_id for m in memberships if m.digest_enabled],
            },
        )
    context = {"form": form, "member": member, "action_url": action_url}
    return render(request, "digests/preferences.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    return _preferences_page(request, request.user, action_url=request.path)


@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest, token: str) -> HttpResponse:
    try:
        member = digest_token_member(token=token)
    except signing.BadSignature:
        return _token_invalid(request)
    return _preferences_page(request, member, action_url=request.path)


# Mail clients send the RFC 8058 one-click POST ("List-Unsubscribe=One-Click") straight from the
# inbox, with no page and therefore no CSRF token. The signed token in the URL is what proves
# the request comes from the digest's recipient, and all it can do is turn digests off.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        member = digest_token_member(token=token)
    except signing.BadSignature:
        return _token_invalid(request)
    if request.method == "POST":
        digest_unsubscribe(member=member)
        context = {"message": gettext(UNSUBSCRIBED), "manage_token": token}
        return render(request, "digests/unsubscribed.html", context)
    return render(request, "digests/unsubscribe_confirm.html", {"member": member, "token": token})


def _preview_message(request: HttpRequest):
    now = timezone.now()
    member = member_for_preview(member=request.user, now=now)
    (digest,) = digests_for_members(members=[member], now=now)
    return digest, digest_message(digest=digest)


@login_required
def preview(request: HttpRequest) -> HttpResponse:
    digest, message = _preview_message(request)
    context = {"digest": digest, "message": message, "text": message.body}
    return render(request, "digests/preview.html", context)


# The email's HTML carries inline styles (mail clients ignore stylesheets), so this one response,
# shown only inside the preview page's sandboxed frame, allows them and nothing else.
@login_required
@xframe_options_sameorigin
@csp_replace({"style-src": ["'unsafe-inline'"], "frame-ancestors": ["'self'"]})
def preview_email(request: HttpRequest) -> HttpResponse:
    _digest, message = _preview_message(request)
    html = message.alternatives[0][0]
    return HttpResponse(html, content_type="text/html; charset=utf-8")
