"""Who lands in a company through its identity provider (the directory's membership rules)."""

import pytest

from directory.models import CompanyMembership
from directory.services.memberships import membership_join_through_identity_provider
from tests.directory.factories import CompanyMembershipFactory
from tests.factories import UserFactory
from tests.sso.conftest import connect_company

pytestmark = pytest.mark.django_db


@pytest.fixture
def company():
    return connect_company(issuer="https://login.acme.example").company


def test_a_pending_join_request_is_approved(company):
    person = UserFactory(email="alice@acme.example")
    requested = CompanyMembershipFactory(
        company=company, user=person, status=CompanyMembership.Status.REQUESTED
    )

    membership = membership_join_through_identity_provider(
        user=person, company=company, email=person.email
    )

    assert membership.pk == requested.pk
    assert membership.status == CompanyMembership.Status.APPROVED


def test_someone_an_admin_declined_is_not_let_in_behind_the_admins_back(company):
    person = UserFactory(email="alice@acme.example")
    CompanyMembershipFactory(company=company, user=person, status=CompanyMembership.Status.DECLINED)

    assert (
        membership_join_through_identity_provider(user=person, company=company, email=person.email)
        is None
    )
    assert not CompanyMembership.objects.filter(
        user=person, status=CompanyMembership.Status.APPROVED
    ).exists()


def test_an_existing_member_keeps_their_role(company):
    admin = CompanyMembershipFactory(company=company, admin=True, user__email="ad@acme.example")

    membership = membership_join_through_identity_provider(
        user=admin.user, company=company, email=admin.user.email
    )

    assert (membership.pk, membership.role) == (admin.pk, CompanyMembership.Role.ADMIN)
