"""Demo data for single sign-on: the demo member's company with an approved connection."""

from __future__ import annotations

from directory.models import ClaimedDomain, CompanyMembership
from portal.models import User
from portal.seeding import DEMO_MEMBER_EMAIL, DEMO_STAFF_EMAIL
from sso.models import IdentityProviderConnection
from sso.services import connection_approve, connection_request

# A placeholder: nothing answers there, so signing in through it shows the "did not answer"
# page. Password sign-in stays on, so the demo accounts keep working.
DEMO_ISSUER = "https://login.demo-idp.invalid/partner-tenant"


def seed_identity_provider() -> IdentityProviderConnection | None:
    """Connect the demo member's company to a placeholder identity provider for its own demo
    domain (``<slug>.example``), approved by the demo staff account; None without them."""
    admin = User.objects.filter(email=DEMO_MEMBER_EMAIL).first()
    staff = User.objects.filter(email=DEMO_STAFF_EMAIL).first()
    membership = (
        CompanyMembership.objects.filter(
            user=admin,
            status=CompanyMembership.Status.APPROVED,
            role=CompanyMembership.Role.ADMIN,
        )
        .select_related("company")
        .first()
    )
    if admin is None or staff is None or membership is None:
        return None
    company = membership.company
    domain, _ = ClaimedDomain.objects.get_or_create(
        domain=f"{company.slug}.example", defaults={"company": company}
    )
    connection = connection_request(
        company=company,
        admin=admin,
        issuer=DEMO_ISSUER,
        client_id="partner-portal-demo",
        client_secret="demo-secret-not-used",  # noqa: S106 - a placeholder IdP, never contacted
        domains=[domain],
    )
    return connection_approve(connection=connection, staff=staff)
