"""Writes for single sign-on: a company admin requests a connection, staff decide, the admin
switches password sign-in. Every act writes a ConnectionLog row in the same transaction."""

from __future__ import annotations

from collections.abc import Iterable

from allauth.socialaccount.models import SocialApp
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from directory.models import ClaimedDomain, Company
from portal.models import User
from sso import saml
from sso.models import PROVIDER, SAML_PROVIDER, ConnectionLog, IdentityProviderConnection
from sso.selectors import provider_id_for

NOT_PENDING = gettext_noop("This connection has already been decided.")
NOT_APPROVED = gettext_noop(
    "Password sign-in can be switched off only once program staff approved the connection."
)
DOMAIN_NOT_CLAIMED = gettext_noop("Only email domains your company has claimed can be covered.")
NO_DOMAINS = gettext_noop("Choose at least one email domain the identity provider covers.")
SECRET_REQUIRED = gettext_noop("Enter the client secret your identity provider issued.")

# SAML attributes the portal reads (allauth's defaults, plus the plain names Okta and Google
# Workspace admins usually give); without an email attribute the NameID is the email when its
# format says so.
SAML_ATTRIBUTES = {
    "uid": ["urn:oasis:names:tc:SAML:attribute:subject-id"],
    "email": [
        "urn:oid:0.9.2342.19200300.100.1.3",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
        "email",
    ],
    "name": ["http://schemas.microsoft.com/identity/claims/displayname", "displayName", "name"],
    "first_name": [
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname",
        "urn:oid:2.5.4.42",
        "firstName",
    ],
    "last_name": [
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname",
        "urn:oid:2.5.4.4",
        "lastName",
    ],
}


def _app_settings(issuer: str) -> dict:
    # PKCE on every sign-in; the portal decides itself which emails count as verified
    # (sso.adapters), so allauth's own email authentication stays off unless we allow it.
    return {"server_url": issuer, "oauth_pkce_enabled": True}


def _log(
    connection: IdentityProviderConnection, actor: User, action: str, detail: str = ""
) -> None:
    ConnectionLog.objects.create(connection=connection, actor=actor, action=action, detail=detail)


def _request(
    *,
    company: Company,
    admin: User,
    provider: str,
    client_id: str,
    secret: str,
    app_settings: dict,
    domains: Iterable[ClaimedDomain],
    detail: str,
) -> IdentityProviderConnection:
    domains = list(domains)
    if not domains:
        raise ValidationError(gettext(NO_DOMAINS))
    if any(domain.company_id != company.pk for domain in domains):
        raise ValidationError(gettext(DOMAIN_NOT_CLAIMED))
    connection = (
        IdentityProviderConnection.objects.select_for_update()
        .select_related("app")
        .filter(company=company)
        .first()
    )
    if connection is None:
        app = SocialApp(provider=provider, provider_id=provider_id_for(company))
        connection = IdentityProviderConnection(company=company)
    else:
        app = connection.app
    if app.provider != provider:
        # Another protocol: nothing of the old one's settings or secret carries over.
        app.provider = provider
        app.settings = {}
        app.secret = ""
    app.name = company.name
    app.client_id = client_id
    if secret:
        app.secret = secret
    app.settings = {**app.settings, **app_settings}
    app.full_clean()
    app.save()
    connection.app = app
    connection.status = IdentityProviderConnection.Status.PENDING
    connection.password_sign_in = True
    connection.requested_by = admin
    connection.requested_at = timezone.now()
    connection.decided_by = None
    connection.decided_at = None
    connection.rejection_reason = ""
    connection.full_clean(exclude=["app"])
    connection.save()
    connection.domains.set(domains)
    _log(
        connection,
        admin,
        ConnectionLog.Action.REQUESTED,
        # Names and addresses only: the log is read in every language.
        f"{detail} ({', '.join(sorted(d.domain for d in domains))})",
    )
    return connection


@transaction.atomic
def connection_request(
    *,
    company: Company,
    admin: User,
    issuer: str,
    client_id: str,
    client_secret: str,
    domains: Iterable[ClaimedDomain],
) -> IdentityProviderConnection:
    """A company admin asks for (or changes) the company's OpenID Connect identity provider;
    staff then decide.

    A changed connection waits for staff again and password sign-in comes back on meanwhile.
    An empty ``client_secret`` keeps the stored one (of an OpenID Connect connection).
    """
    existing = IdentityProviderConnection.objects.filter(company=company).select_related("app")
    previous = existing.first()
    if not client_secret and (previous is None or previous.app.provider != PROVIDER):
        raise ValidationError(gettext(SECRET_REQUIRED))
    return _request(
        company=company,
        admin=admin,
        provider=PROVIDER,
        client_id=client_id,
        secret=client_secret,
        app_settings=_app_settings(issuer),
        domains=domains,
        detail=issuer,
    )


def _saml_app_settings(company: Company, entity_id: str, sso_url: str, x509cert: str) -> dict:
    sp = saml.service_provider(provider_id_for(company))
    return {
        "idp": {"entity_id": entity_id, "sso_url": sso_url, "x509cert": x509cert},
        # A fixed entity ID (SITE_URL's), whatever host a request names.
        "sp": {"entity_id": sp.entity_id},
        "attribute_mapping": SAML_ATTRIBUTES,
        "advanced": {
            # python3-saml's strict checks: signature (of the response or its assertion) by
            # this certificate, audience, destination, validity window. Only sign-ins the
            # portal started (InResponseTo): unsolicited (IdP-initiated) responses are refused.
            "strict": True,
            "reject_idp_initiated_sso": True,
            # Google Workspace and a bare Okta app send only a NameID (the email).
            "want_attribute_statement": False,
            # The portal's own URLs may be on a host without a dot ("localhost" when
            # developing); the identity provider's URLs are checked by sso.forms.
            "allow_single_label_domains": True,
        },
    }


@transaction.atomic
def connection_request_saml(
    *,
    company: Company,
    admin: User,
    entity_id: str,
    sso_url: str,
    x509cert: str,
    domains: Iterable[ClaimedDomain],
) -> IdentityProviderConnection:
    """A company admin asks for (or changes) the company's SAML 2.0 identity provider: its
    entity ID, single sign-on URL and signing certificate. Staff then decide, as for OIDC."""
    x509cert = saml.certificate_clean(x509cert)
    return _request(
        company=company,
        admin=admin,
        provider=SAML_PROVIDER,
        client_id=provider_id_for(company),
        secret="",
        app_settings=_saml_app_settings(company, entity_id, sso_url, x509cert),
        domains=domains,
        detail=f"SAML {entity_id}",
    )


def _decide(
    *, connection: IdentityProviderConnection, staff: User, status: str, reason: str = ""
) -> IdentityProviderConnection:
    connection = IdentityProviderConnection.objects.select_for_update().get(pk=connection.pk)
    if connection.status != IdentityProviderConnection.Status.PENDING:
        raise ValidationError(gettext(NOT_PENDING))
    connection.status = status
    connection.decided_by = staff
    connection.decided_at = timezone.now()
    connection.rejection_reason = reason
    connection.full_clean(exclude=["app"])
    connection.save()
    return connection


@transaction.atomic
def connection_approve(
    *, connection: IdentityProviderConnection, staff: User
) -> IdentityProviderConnection:
    """Program staff let the company's people sign in through its identity provider."""
    connection = _decide(
        connection=connection, staff=staff, status=IdentityProviderConnection.Status.APPROVED
    )
    _log(connection, staff, ConnectionLog.Action.APPROVED)
    return connection


@transaction.atomic
def connection_reject(
    *, connection: IdentityProviderConnection, staff: User, reason: str
) -> IdentityProviderConnection:
    """Program staff turn a connection down, saying why; the admin may correct and ask again."""
    connection = _decide(
        connection=connection,
        staff=staff,
        status=IdentityProviderConnection.Status.REJECTED,
        reason=reason,
    )
    _log(connection, staff, ConnectionLog.Action.REJECTED, reason)
    return connection


@transaction.atomic
def connection_set_password_sign_in(
    *, connection: IdentityProviderConnection, actor: User, enabled: bool
) -> IdentityProviderConnection:
    """The company's admin (or staff) switches password sign-in and reset for the connection's
    domains off or back on."""
    connection = IdentityProviderConnection.objects.select_for_update().get(pk=connection.pk)
    if not enabled and not connection.is_approved:
        raise ValidationError(gettext(NOT_APPROVED))
    if connection.password_sign_in != enabled:
        connection.password_sign_in = enabled
        connection.save(update_fields=["password_sign_in"])
        action = ConnectionLog.Action.PASSWORD_ON if enabled else ConnectionLog.Action.PASSWORD_OFF
        _log(connection, actor, action)
    return connection
