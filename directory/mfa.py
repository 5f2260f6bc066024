"""The company admin role for two-factor authentication (settings.MFA_REQUIRED_ROLES)."""

from django.db.models import Exists, OuterRef, Q

from directory.models import CompanyMembership


def company_admin_condition() -> Q:
    """Users who administer a company: an approved membership with the admin role."""
    administers = CompanyMembership.objects.filter(
        user=OuterRef("pk"),
        role=CompanyMembership.Role.ADMIN,
        status=CompanyMembership.Status.APPROVED,
    )
    return Q(Exists(administers))
