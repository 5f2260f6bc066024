"""Single sign-on pages: "sign in with your company's identity provider", a company admin's
connection page and program staff's review.

Answers: the company page is 404 for anyone but the company's admins, the review pages 404 for
anyone but staff; an identity provider that does not answer gives a 503 page saying so.
"""

from __future__ import annotations

from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.providers.base import AuthProcess
from allauth.socialaccount.providers.openid_connect import views as openid_connect_views
from allauth.socialaccount.providers.saml.provider import SAMLProvider
from csp.decorators import csp_update
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, gettext_noop
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit
from onelogin.saml2.errors import OneLogin_Saml2_Error
from requests import RequestException

from portal.emails import absolute_url
from portal.errors import NotFound
from sso import forms, saml, selectors, services
from sso.adapters import PROVIDER_UNAVAILABLE

NO_PROVIDER = gettext_noop(
    "No identity provider is connected for {domain}. Sign in with your email and password instead."
)
REQUESTED = gettext_noop(
    "Your request was sent to program staff. People can sign in with it once approved."
)
SWITCHED_OFF = gettext_noop("Password sign-in and reset are now off for your domains.")
SWITCHED_ON = gettext_noop("Password sign-in is on again for your domains.")
APPROVED = gettext_noop("Connection approved: its people can sign in with it now.")
REJECTED = gettext_noop("Connection rejected; the company admin sees your reason.")
INVALID_SWITCH = gettext_noop("Choose whether password sign-in is on or off.")


def _safe_next(request: HttpRequest) -> str | None:
    next_url = request.POST.get("next") or request.GET.get("next")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return None


# The sign-in form's answer is a redirect to the identity provider, which a browser follows only
# where the page's Content-Security-Policy form-action allows: the issuers a connection may have
# (https, or http on loopback: sso.forms.ConnectionForm).
SIGN_IN_FORM_ACTION = ["'self'", "https:", "http://127.0.0.1:*", "http://localhost:*"]


# Each answer may fetch an identity provider's discovery document: a person needs a few tries.
DISCOVERY_RATE = "20/m"


@csp_update({"form-action": SIGN_IN_FORM_ACTION})
@ratelimit(key="ip", rate=DISCOVERY_RATE, method="POST", block=True)
def sign_in(request: HttpRequest) -> HttpResponse:
    """Home-realm discovery: the email's domain picks the identity provider to go to."""
    form = forms.HomeRealmForm(request.POST or None)
    context = {"form": form, "next": _safe_next(request)}
    if request.method != "POST":
        return render(request, "sso/sign_in.html", context)
    if not form.is_valid():
        return render(request, "sso/sign_in.html", context, status=400)
    email = form.cleaned_data["email"]
    provider_id = selectors.provider_id_for_email(email)
    if provider_id is None:
        form.add_error("email", gettext(NO_PROVIDER).format(domain=selectors.email_domain(email)))
        return render(request, "sso/sign_in.html", context, status=400)
    provider = get_adapter(request).get_provider(request, provider_id)
    try:
        if provider.id == SAMLProvider.id:
            # An AuthnRequest by HTTP-Redirect; allauth keeps its ID to match InResponseTo.
            return provider.redirect(request, AuthProcess.LOGIN, next_url=context["next"])
        auth_params = {**provider.get_auth_params(), "login_hint": email}
        return provider.redirect(
            request, AuthProcess.LOGIN, next_url=context["next"], auth_params=auth_params
        )
    except (RequestException, KeyError, ValueError, OneLogin_Saml2_Error):
        # Discovery failed: the provider is down, or answered no usable configuration.
        return _provider_unavailable(request)


def _provider_unavailable(request: HttpRequest) -> HttpResponse:
    return render(
        request, "sso/provider_unavailable.html", {"message": PROVIDER_UNAVAILABLE}, status=503
    )


def oidc_login(request: HttpRequest, provider_id: str) -> HttpResponse:
    """allauth's sign-in start for one provider; 503 with a clear page when it is down."""
    try:
        return openid_connect_views.login(request, provider_id)
    except (RequestException, KeyError, ValueError):
        return _provider_unavailable(request)


def oidc_callback(request: HttpRequest, provider_id: str) -> HttpResponse:
    """allauth's callback (code exchange); 503 with a clear page when the provider is down."""
    try:
        return openid_connect_views.callback(request, provider_id)
    except (RequestException, KeyError, ValueError):
        return _provider_unavailable(request)


def _callback_url(provider_id: str) -> str:
    return absolute_url(reverse("openid_connect_callback", kwargs={"provider_id": provider_id}))


# Each request may fetch the identity provider's metadata or discovery document.
CONNECTION_RATE = "20/h"


@ratelimit(key="user_or_ip", rate=CONNECTION_RATE, method="POST", block=True)
def company_connection(request: HttpRequest, slug: str) -> HttpResponse:
    """A company admin requests, changes or reviews the company's identity provider, by OpenID
    Connect or SAML 2.0 (the button pressed says which)."""
    company = selectors.company_get_for_sso_admin(user=request.user, slug=slug)
    connection = selectors.connection_for_company(company)
    posted = request.POST.get("protocol", "oidc") if request.method == "POST" else None
    form = forms.ConnectionForm(
        request.POST if posted == "oidc" else None, company=company, connection=connection
    )
    saml_form = forms.SamlConnectionForm(
        request.POST if posted == "saml" else None, company=company, connection=connection
    )
    bound = saml_form if posted == "saml" else form
    if posted and bound.is_valid():
        try:
            if posted == "saml":
                services.connection_request_saml(
                    company=company, admin=request.user, **saml_form.request_arguments()
                )
            else:
                services.connection_request(
                    company=company, admin=request.user, **form.cleaned_data
                )
        except ValidationError as error:
            bound.add_error(None, error)
        else:
            messages.success(request, gettext(REQUESTED))
            return redirect("sso:company", slug=company.slug)
    provider_id = selectors.provider_id_for(company)
    context = {
        "company": company,
        "connection": connection,
        "form": form,
        "saml_form": saml_form,
        "saml_chosen": posted == "saml" or (posted is None and connection and connection.is_saml),
        "callback_url": _callback_url(provider_id),
        "service_provider": saml.service_provider(provider_id),
        "log": list(connection.log.select_related("actor")[:20]) if connection else [],
    }
    status = 400 if posted and bound.errors else 200
    return render(request, "sso/company.html", context, status=status)


def company_saml_metadata(request: HttpRequest, slug: str) -> HttpResponse:
    """The portal's SAML service-provider metadata for the company's connection, to upload to
    the identity provider (before staff approved it, too)."""
    company = selectors.company_get_for_sso_admin(user=request.user, slug=slug)
    xml = saml.service_provider_metadata(selectors.provider_id_for(company))
    response = HttpResponse(xml, content_type="application/samlmetadata+xml")
    response["Content-Disposition"] = f'attachment; filename="portal-{company.slug}-saml.xml"'
    return response


def _switch_password_sign_in(request: HttpRequest, connection) -> None:
    switch = forms.PasswordSignInForm(request.POST)
    if not switch.is_valid():
        messages.error(request, gettext(INVALID_SWITCH))
        return
    enabled = switch.cleaned_data["enabled"]
    try:
        services.connection_set_password_sign_in(
            connection=connection, actor=request.user, enabled=enabled
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, gettext(SWITCHED_ON if enabled else SWITCHED_OFF))


@require_POST
def company_password_sign_in(request: HttpRequest, slug: str) -> HttpResponse:
    """The company admin switches password sign-in for the connection's domains off or on."""
    company = selectors.company_get_for_sso_admin(user=request.user, slug=slug)
    connection = selectors.connection_for_company(company)
    if connection is None:
        raise NotFound
    _switch_password_sign_in(request, connection)
    return redirect("sso:company", slug=company.slug)


def review_list(request: HttpRequest) -> HttpResponse:
    """Program staff: every company's connection, pending ones first."""
    if not request.user.is_staff:
        raise NotFound
    return render(
        request, "sso/review_list.html", {"connections": selectors.connections_for_review()}
    )


def review_detail(request: HttpRequest, connection_id: int) -> HttpResponse:
    """Program staff approve or reject one connection."""
    connection = selectors.connection_get_for_staff(user=request.user, connection_id=connection_id)
    action = request.POST.get("action")
    reject_form = forms.RejectForm(request.POST if action == "reject" else None)
    if request.method == "POST" and (action == "approve" or reject_form.is_valid()):
        try:
            if action == "approve":
                services.connection_approve(connection=connection, staff=request.user)
            else:
                services.connection_reject(
                    connection=connection, staff=request.user, **reject_form.cleaned_data
                )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            decided = APPROVED if action == "approve" else REJECTED
            messages.success(request, gettext(decided))
        return redirect("sso:review-detail", connection_id=connection.pk)
    idp = connection.saml_idp
    context = {
        "connection": connection,
        "reject_form": reject_form,
        "callback_url": _callback_url(connection.app.provider_id),
        "service_provider": saml.service_provider(connection.app.provider_id),
        "certificate": saml.certificate_summary(idp["x509cert"]) if idp else None,
        "log": list(connection.log.all()[:50]),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "sso/review_detail.html", context, status=status)


@require_POST
def review_password_sign_in(request: HttpRequest, connection_id: int) -> HttpResponse:
    """Program staff switch a connection's password sign-in (e.g. back on when its IdP broke)."""
    connection = selectors.connection_get_for_staff(user=request.user, connection_id=connection_id)
    _switch_password_sign_in(request, connection)
    return redirect("sso:review-detail", connection_id=connection.pk)
