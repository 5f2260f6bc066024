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
from sso.models import PROVIDER, ConnectionLog, IdentityProviderConnection
from sso.selectors import provider_id_for

NOT_PENDING = gettext_noop("This connection has already been decided.")
NOT_APPROVED = gettext_noop(
    "Password sign-in can be switched off only once program staff approved the connection."
)
DOMAIN_NOT_CLAIMED = gettext_noop("Only email domains your company has claimed can be covered.")
NO_DOMAINS = gettext_noop("Choose at least one email domain the identity provider covers.")


def _app_settings(issuer: str) -> dict:
    # PKCE on every sign-in; the portal decides itself which emails count as verified
    # (sso.adapters), so allauth's own email authentication stays off unless we allow it.
    return {"server_url": issuer, "oauth_pkce_enabled": True}


def _log(
    connection: IdentityProviderConnection, actor: User, action: str, detail: str = ""
) -> None:
    ConnectionLog.objects.create(connection=connection, actor=actor, action=action, detail=detail)


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
    """A company admin asks for (or changes) the company's identity provider; staff then decide.

    A changed connection waits for staff again and password sign-in comes back on meanwhile.
    An empty ``client_secret`` keeps the stored one.
    """
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
        app = SocialApp(provider=PROVIDER, provider_id=provider_id_for(company))
        connection = IdentityProviderConnection(company=company)
    else:
        app = connection.app
    app.name = company.name
    app.client_id = client_id
    if client_secret:
        app.secret = client_secret
    app.settings = {**app.settings, **_app_settings(issuer)}
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
        f"{issuer} for {', '.join(sorted(d.domain for d in domains))}",
    )
    return connection


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
