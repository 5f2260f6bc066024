"""Forms for single sign-on, and allauth's password forms refusing SSO-only domains."""

from __future__ import annotations

from urllib.parse import urlsplit

from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import ResetPasswordForm as AllauthResetPasswordForm
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, gettext_lazy, gettext_noop
from django.utils.translation import gettext_lazy as _

from directory.models import ClaimedDomain, Company
from portal.forms import SignupForm as PortalSignupForm
from sso import saml
from sso.models import IdentityProviderConnection
from sso.selectors import password_sign_in_refused

SSO_ONLY_SIGN_IN = gettext_noop(
    "Your company signs you in through its own identity provider: choose "
    "“Sign in with your company's identity provider” below. Password sign-in is switched off "
    "for this email domain."
)
SSO_ONLY_RESET = gettext_noop(
    "Your company signs you in through its own identity provider, so the portal keeps no "
    "password for this email domain. Choose “Sign in with your company's identity provider” "
    "on the sign-in page; your company's IT resets passwords there."
)
SIGNUP_OFF = gettext_noop(
    "Your company signs you in through its own identity provider: choose “Sign in with your "
    "company's identity provider” on the sign-in page instead of making a password."
)
ISSUER_HELP = gettext_noop(
    "The issuer URL; the portal reads <issuer>/.well-known/openid-configuration. "
    "Must use https (http only for localhost)."
)
ISSUER_NOT_HTTPS = gettext_noop(
    "The issuer URL must start with https:// (http:// only for localhost)."
)
ISSUER_ADDRESS_PRIVATE = gettext_noop(
    "This address is on a private or local network, which the portal does not fetch from. "
    "Give the identity provider's public issuer URL."
)
URL_NOT_HTTPS = gettext_noop("The URL must start with https:// (http:// only for localhost).")
SAML_FIELD_REQUIRED = gettext_noop(
    "Required, unless you give the identity provider's metadata URL or XML above."
)
KEEP_STORED_CLIENT_HELP = gettext_noop(
    "Leave blank to keep the secret already stored. It is never shown again."
)


class LoginForm(AllauthLoginForm):
    """allauth's sign-in, refusing passwords for domains whose company uses SSO only."""

    def clean_login(self) -> str:
        login = super().clean_login()
        if password_sign_in_refused(login):
            raise ValidationError(gettext(SSO_ONLY_SIGN_IN), code="sso_only")
        return login


class ResetPasswordForm(AllauthResetPasswordForm):
    """allauth's password reset; the portal sends no reset link where passwords are off."""

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        if password_sign_in_refused(email):
            raise ValidationError(gettext(SSO_ONLY_RESET), code="sso_only")
        return super().clean_email()


class SignupForm(PortalSignupForm):
    """The portal's signup; no password accounts on domains whose company uses SSO only."""

    def clean_email(self) -> str:
        email = super().clean_email()
        if password_sign_in_refused(email):
            raise ValidationError(gettext(SIGNUP_OFF), code="sso_only")
        return email


class HomeRealmForm(forms.Form):
    """Home-realm discovery: the email whose domain picks the identity provider."""

    email = forms.EmailField(
        label=_("Work email"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )


LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1"}


def _issuer_is_acceptable(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme == "http":
        # A test or development identity provider only (settings.SSO_ALLOW_LOOPBACK_IDP).
        return settings.SSO_ALLOW_LOOPBACK_IDP and parts.hostname in LOOPBACK_HOSTS
    return parts.scheme == "https"


def _domains_field() -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        label=_("Email domains it signs in"),
        queryset=ClaimedDomain.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only domains program staff confirmed for your company."),
    )


def _claimed_domains(company: Company):
    return ClaimedDomain.objects.filter(company=company).order_by("domain")


class ConnectionForm(forms.Form):
    """A company admin's request: the identity provider's issuer, client and covered domains."""

    issuer = forms.URLField(
        label=_("Issuer URL"),
        max_length=500,
        help_text=gettext_lazy(ISSUER_HELP),
        assume_scheme="https",
    )
    client_id = forms.CharField(label=_("Client ID"), max_length=191)
    client_secret = forms.CharField(
        label=_("Client secret"),
        max_length=191,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )
    domains = _domains_field()

    def __init__(
        self,
        *args,
        company: Company,
        connection: IdentityProviderConnection | None = None,
        **kwargs,
    ) -> None:
        if connection is not None and not connection.is_saml and "initial" not in kwargs:
            kwargs["initial"] = {
                "issuer": connection.issuer,
                "client_id": connection.app.client_id,
                "domains": list(connection.domains.all()),
            }
        super().__init__(*args, **kwargs)
        self.fields["domains"].queryset = _claimed_domains(company)
        if connection is not None and not connection.is_saml:
            self.fields["client_secret"].required = False
            self.fields["client_secret"].help_text = gettext(KEEP_STORED_CLIENT_HELP)

    def clean_issuer(self) -> str:
        issuer = self.cleaned_data["issuer"].rstrip("/")
        if not _issuer_is_acceptable(issuer):
            raise ValidationError(gettext(ISSUER_NOT_HTTPS))
        if not saml.address_is_public(issuer):  # the portal reads its discovery document
            raise ValidationError(gettext(ISSUER_ADDRESS_PRIVATE))
        return issuer


class SamlConnectionForm(forms.Form):
    """A company admin's SAML 2.0 request: the identity provider's metadata (an https URL or the
    XML), or its entity ID, single sign-on URL and signing certificate by hand."""

    metadata_url = forms.URLField(
        label=_("Metadata URL"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("The portal reads the identity provider's details from it now, once."),
    )
    metadata_xml = forms.CharField(
        label=_("Or the metadata XML"),
        required=False,
        max_length=200_000,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
    )
    entity_id = forms.CharField(
        label=_("Identity provider entity ID (issuer)"), max_length=500, required=False
    )
    sso_url = forms.URLField(
        label=_("Single sign-on URL"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("Where the portal sends people to sign in (HTTP-Redirect binding)."),
    )
    x509cert = forms.CharField(
        label=_("Signing certificate (X.509)"),
        required=False,
        max_length=saml.MAX_CERTIFICATE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        help_text=_("PEM (-----BEGIN CERTIFICATE-----) or base64."),
    )
    domains = _domains_field()

    def __init__(
        self,
        *args,
        company: Company,
        connection: IdentityProviderConnection | None = None,
        **kwargs,
    ) -> None:
        if connection is not None and connection.is_saml and "initial" not in kwargs:
            idp = connection.saml_idp
            kwargs["initial"] = {
                "entity_id": idp.get("entity_id", ""),
                "sso_url": idp.get("sso_url", ""),
                "x509cert": idp.get("x509cert", ""),
                "domains": list(connection.domains.all()),
            }
        kwargs.setdefault("prefix", "saml")
        super().__init__(*args, **kwargs)
        self.fields["domains"].queryset = _claimed_domains(company)

    def _https_or_blank(self, name: str) -> str:
        url = self.cleaned_data[name]
        if url and not _issuer_is_acceptable(url):
            raise ValidationError(gettext(URL_NOT_HTTPS))
        return url

    def clean_metadata_url(self) -> str:
        return self._https_or_blank("metadata_url")

    def clean_sso_url(self) -> str:
        return self._https_or_blank("sso_url")

    def clean_x509cert(self) -> str:
        text = self.cleaned_data["x509cert"]
        return saml.certificate_clean(text) if text.strip() else ""

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.errors:
            return cleaned
        xml = cleaned.get("metadata_xml", "").strip()
        url = cleaned.get("metadata_url", "")
        if url or xml:
            field = "metadata_xml" if xml else "metadata_url"
            try:
                details = saml.metadata_parse(xml or saml.metadata_fetch(url))
                if not _issuer_is_acceptable(details.sso_url):
                    raise ValidationError(gettext(URL_NOT_HTTPS))
            except ValidationError as error:
                self.add_error(field, error)
                return cleaned
            cleaned.update(
                entity_id=details.entity_id, sso_url=details.sso_url, x509cert=details.x509cert
            )
        else:
            for name in ("entity_id", "sso_url", "x509cert"):
                if not cleaned.get(name):
                    self.add_error(name, gettext(SAML_FIELD_REQUIRED))
        return cleaned

    def request_arguments(self) -> dict:
        """What ``services.connection_request_saml`` takes, once the form is valid."""
        return {
            name: self.cleaned_data[name]
            for name in ("entity_id", "sso_url", "x509cert", "domains")
        }


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Why (the company admin sees this)"), max_length=300)


class PasswordSignInForm(forms.Form):
    enabled = forms.TypedChoiceField(
        choices=[("on", "on"), ("off", "off")], coerce=lambda value: value == "on"
    )
