"""Reads for single sign-on: which identity provider covers an email, and who may manage one."""

from __future__ import annotations

from dataclasses import dataclass

from allauth.socialaccount.models import SocialApp
from django.conf import settings
from django.db.models import Case, When

from directory.models import Company
from directory.selectors.companies import user_is_company_admin
from portal.errors import NotFound
from portal.viewers import Viewer
from sso.models import IdentityProviderConnection

# The provider_id of the vendor's own identity provider (an app from settings, not the database).
STAFF_PROVIDER_ID = "vendor-staff"


def email_domain(email: str) -> str:
    """The lower-cased domain of an email address ("" when there is none)."""
    return email.rpartition("@")[2].strip().lower()


def provider_id_for(company: Company) -> str:
    """The allauth provider_id of a company's connection (in its sign-in and callback URLs)."""
    return f"company-{company.pk}"


@dataclass(frozen=True)
class SignInPolicy:
    """What one identity provider may vouch for: emails on ``domains``; staff accounts or a
    company's people."""

    domains: frozenset[str]
    staff: bool
    company: Company | None = None

    def covers(self, email: str) -> bool:
        return email_domain(email) in self.domains


def staff_provider_configured() -> bool:
    """True when the settings name the vendor's identity provider for program staff."""
    return bool(settings.STAFF_OIDC_ISSUER and settings.STAFF_OIDC_EMAIL_DOMAIN)


def policy_for_provider_id(provider_id: str) -> SignInPolicy | None:
    """The policy of the identity provider behind an allauth app; None when it may sign no
    one in (unknown, or a company's connection staff have not approved)."""
    if provider_id == STAFF_PROVIDER_ID:
        if not staff_provider_configured():
            return None
        return SignInPolicy(
            domains=frozenset({settings.STAFF_OIDC_EMAIL_DOMAIN.lower()}), staff=True
        )
    connection = (
        IdentityProviderConnection.objects.select_related("company")
        .prefetch_related("domains")
        .filter(app__provider_id=provider_id, status=IdentityProviderConnection.Status.APPROVED)
        .first()
    )
    if connection is None:
        return None
    return SignInPolicy(
        domains=frozenset(d.domain for d in connection.domains.all()),
        staff=False,
        company=connection.company,
    )


def unapproved_app_ids() -> set[int]:
    """Ids of the apps of company connections that may not sign anyone in (yet)."""
    return set(
        SocialApp.objects.filter(connection__isnull=False)
        .exclude(connection__status=IdentityProviderConnection.Status.APPROVED)
        .values_list("pk", flat=True)
    )


def provider_id_for_email(email: str) -> str | None:
    """Home-realm discovery: the provider_id of the identity provider that signs this email in
    (the vendor's for the staff domain, else an approved company connection), or None."""
    domain = email_domain(email)
    if not domain:
        return None
    if staff_provider_configured() and domain == settings.STAFF_OIDC_EMAIL_DOMAIN.lower():
        return STAFF_PROVIDER_ID
    connection = (
        IdentityProviderConnection.objects.filter(
            status=IdentityProviderConnection.Status.APPROVED, domains__domain=domain
        )
        .select_related("app")
        .first()
    )
    return connection.app.provider_id if connection is not None else None


def password_sign_in_refused(email: str) -> bool:
    """True when the email's domain belongs to a connection whose company switched password
    sign-in (and password reset) off."""
    domain = email_domain(email)
    return (
        bool(domain)
        and IdentityProviderConnection.objects.filter(
            status=IdentityProviderConnection.Status.APPROVED,
            password_sign_in=False,
            domains__domain=domain,
        ).exists()
    )


def company_get_for_sso_admin(*, user: Viewer, slug: str) -> Company:
    """The company with this slug when ``user`` administers it; NotFound for anyone else, so
    a visitor, a member or another company's admin cannot tell the page exists."""
    company = Company.objects.filter(slug=slug).first()
    if company is None or not user_is_company_admin(user, company):
        raise NotFound
    return company


def connection_for_company(company: Company) -> IdentityProviderConnection | None:
    """The company's connection with its app and domains, or None."""
    return (
        IdentityProviderConnection.objects.select_related("app")
        .prefetch_related("domains")
        .filter(company=company)
        .first()
    )


def connections_for_review() -> list[IdentityProviderConnection]:
    """Every connection for program staff, pending ones first, in a constant number of queries."""
    return list(
        IdentityProviderConnection.objects.select_related("company", "app", "requested_by")
        .prefetch_related("domains")
        .order_by(
            Case(When(status=IdentityProviderConnection.Status.PENDING, then=0), default=1),
            "requested_at",
            "pk",
        )
    )


def connection_get_for_staff(*, user: Viewer, connection_id: int) -> IdentityProviderConnection:
    """One connection for program staff; NotFound for anyone else."""
    if not getattr(user, "is_staff", False):
        raise NotFound
    connection = (
        IdentityProviderConnection.objects.select_related("company", "app", "requested_by")
        .prefetch_related("domains", "log__actor")
        .filter(pk=connection_id)
        .first()
    )
    if connection is None:
        raise NotFound
    return connection
