"""django-allauth's social sign-in, held to the portal's rules: an identity provider signs in
only the emails on its own domains, only when it says it verified them, and only once program
staff approved it."""

from __future__ import annotations

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp, SocialLogin
from allauth.socialaccount.providers.base import AuthError
from allauth.socialaccount.providers.saml.provider import SAMLProvider
from django.http import HttpRequest
from django.shortcuts import render
from django.utils.translation import gettext, gettext_noop
from requests import RequestException

from sso.saml import RESPONSE_REFUSED
from sso.selectors import SignInPolicy, policy_for_provider_id, unapproved_app_ids

CONNECTION_UNAVAILABLE = gettext_noop(
    "This identity provider is not (or no longer) connected to the portal. "
    "Ask your company's portal admin, or sign in with your password."
)
EMAIL_NOT_COVERED = gettext_noop(
    "Your identity provider signed you in as {email}, but it may only sign in verified "
    "addresses on {domains}. Sign in with your password, or ask your company's portal admin."
)
PROVIDER_UNAVAILABLE = gettext_noop(
    "Your identity provider did not answer, so the portal could not sign you in. "
    "Try again in a few minutes; if it keeps failing, tell your company's IT."
)
NO_EMAIL = gettext_noop("Your identity provider did not tell the portal your email address.")


def _entra_domain_verified(extra_data: dict) -> bool:
    # Microsoft Entra ID sends no email_verified; its optional claim xms_edov ("email domain
    # owner verified") in the ID token says the tenant verified the email's domain.
    id_token = extra_data.get("id_token") or {}
    return id_token.get("xms_edov") in (True, "true", "1", 1)


def refuse(request: HttpRequest, message: str) -> ImmediateHttpResponse:
    """An answer that ends the sign-in with a page saying why (403, nobody is signed in)."""
    response = render(request, "sso/refused.html", {"message": message}, status=403)
    return ImmediateHttpResponse(response)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def list_apps(self, request: HttpRequest, provider=None, client_id=None) -> list[SocialApp]:
        # A company's app exists from the admin's request on; it signs people in once approved.
        apps = super().list_apps(request, provider=provider, client_id=client_id)
        hidden = unapproved_app_ids()
        return [app for app in apps if app.pk is None or app.pk not in hidden]

    def _policy(self, sociallogin: SocialLogin) -> SignInPolicy | None:
        return policy_for_provider_id(sociallogin.account.provider)

    def is_email_verified(self, provider, email: str) -> bool:
        # SAML has no "email verified" claim: a signed assertion from a company's approved
        # identity provider vouches for the addresses on the domains staff confirmed the
        # company owns (and only those: pre_social_login refuses the rest).
        if provider.id == SAMLProvider.id:
            policy = policy_for_provider_id(provider.sub_id)
            return policy is not None and policy.covers(email)
        return super().is_email_verified(provider, email)

    def can_authenticate_by_email(self, login: SocialLogin, email: str) -> bool:
        # An existing account is signed into by its email only when the provider may vouch for
        # that email (allauth passes only the addresses the provider marked verified).
        policy = self._policy(login)
        return policy is not None and policy.covers(email)

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        policy = self._policy(sociallogin)
        if policy is None:
            raise refuse(request, gettext(CONNECTION_UNAVAILABLE))
        entra_verified = _entra_domain_verified(sociallogin.account.extra_data)
        addresses = [
            address
            for address in sociallogin.email_addresses
            if (address.verified or entra_verified) and policy.covers(address.email)
        ]
        for address in addresses:
            address.verified = True
        if not addresses:
            emails = [address.email for address in sociallogin.email_addresses]
            if not emails:
                raise refuse(request, gettext(NO_EMAIL))
            domains = ", ".join(sorted(policy.domains))
            raise refuse(
                request, gettext(EMAIL_NOT_COVERED).format(email=emails[0], domains=domains)
            )
        # Only the vouched-for addresses are stored, and the account's email is one of them.
        sociallogin.email_addresses = addresses
        user = sociallogin.user
        if user.email not in {address.email for address in addresses}:
            user.email = addresses[0].email
        if policy.staff and not user.is_staff:
            user.is_staff = True
            if sociallogin.is_existing:
                user.save(update_fields=["is_staff"])

    def on_authentication_error(
        self, request: HttpRequest, provider, error=None, exception=None, extra_context=None
    ) -> None:
        # The provider stopped answering during the code exchange: say so, as the sign-in
        # page does when discovery fails (503), rather than "sign-in failed".
        # A SAML response python3-saml refused (unsigned, tampered, expired, not for this
        # portal, unknown InResponseTo): say so on a page of the portal's, 403.
        if getattr(provider, "id", None) == SAMLProvider.id and error != AuthError.CANCELLED:
            raise refuse(request, gettext(RESPONSE_REFUSED))
        if isinstance(exception, RequestException):
            response = render(
                request,
                "sso/provider_unavailable.html",
                {"message": gettext(PROVIDER_UNAVAILABLE)},
                status=503,
            )
            raise ImmediateHttpResponse(response)
        super().on_authentication_error(request, provider, error, exception, extra_context)

    def populate_user(self, request: HttpRequest, sociallogin: SocialLogin, data):
        user = super().populate_user(request, sociallogin, data)
        name = data.get("name") or " ".join(
            part for part in (data.get("first_name"), data.get("last_name")) if part
        )
        user.display_name = name[:120]
        return user
