"""People join companies: on request or by a claimed email domain; company admins decide."""

import pytest
from allauth.account.models import EmailAddress
from allauth.account.signals import email_confirmed
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse

from directory.models import ClaimedDomain, CompanyMembership
from directory.services.memberships import ALREADY_IN_A_COMPANY, membership_request
from tests.directory.factories import CompanyFactory, CompanyMembershipFactory
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def members_url(company) -> str:
    return reverse("directory:members", args=[company.slug])


def test_member_asks_to_join_a_company(member_client, member):
    company = CompanyFactory()
    response = member_client.post(reverse("directory:join", args=[company.slug]))
    assert response.status_code == 302
    membership = CompanyMembership.objects.get(user=member)
    assert (membership.company, membership.status) == (company, "requested")
    html = member_client.get(company.get_absolute_url()).content.decode()
    assert "Your request to join is waiting for an admin" in html


def test_a_person_belongs_to_at_most_one_company(member):
    CompanyMembershipFactory(user=member)
    with pytest.raises(ValidationError) as error:
        membership_request(user=member, company=CompanyFactory())
    assert ALREADY_IN_A_COMPANY in error.value.messages


def test_joining_an_unknown_company_is_404(member_client):
    assert member_client.post("/directory/no-such/join/").status_code == 404


def test_visitors_cannot_ask_to_join(client):
    company = CompanyFactory()
    response = client.post(reverse("directory:join", args=[company.slug]))
    assert response.status_code == 302
    assert not CompanyMembership.objects.exists()


def test_company_admin_approves_and_declines_requests(client):
    company = CompanyFactory()
    admin = CompanyMembershipFactory(company=company, admin=True).user
    wanted = CompanyMembershipFactory(company=company, status="requested", user__display_name="Ann")
    unwanted = CompanyMembershipFactory(
        company=company, status="requested", user__display_name="Bob"
    )
    client.force_login(admin)
    html = client.get(members_url(company)).content.decode()
    assert "Ann" in html and "Bob" in html
    client.post(members_url(company), {"action": "approve", "membership": wanted.pk})
    client.post(members_url(company), {"action": "decline", "membership": unwanted.pk})
    wanted.refresh_from_db()
    unwanted.refresh_from_db()
    assert (wanted.status, wanted.decided_by) == ("approved", admin)
    assert unwanted.status == "declined"


@pytest.mark.parametrize("who", ["member", "colleague", "admin of another company"])
def test_only_the_company_admin_decides_requests(client, who):
    company = CompanyFactory()
    pending = CompanyMembershipFactory(company=company, status="requested")
    if who == "member":
        user = UserFactory()
    elif who == "colleague":
        user = CompanyMembershipFactory(company=company).user
    else:
        user = CompanyMembershipFactory(admin=True).user
    client.force_login(user)
    assert client.get(members_url(company)).status_code == 403
    response = client.post(members_url(company), {"action": "approve", "membership": pending.pk})
    assert response.status_code == 403
    pending.refresh_from_db()
    assert pending.status == "requested"


def test_admin_cannot_decide_another_companys_request(client):
    company = CompanyFactory()
    client.force_login(CompanyMembershipFactory(company=company, admin=True).user)
    foreign = CompanyMembershipFactory(status="requested")
    client.post(members_url(company), {"action": "approve", "membership": foreign.pk})
    foreign.refresh_from_db()
    assert foreign.status == "requested"


def test_a_person_of_the_company_chooses_to_be_listed_as_contact(client):
    company = CompanyFactory()
    membership = CompanyMembershipFactory(company=company, user__display_name="Cora Contact")
    client.force_login(membership.user)
    client.post(members_url(company), {"action": "contact", "show": "1"})
    membership.refresh_from_db()
    assert membership.show_as_contact is True
    client.logout()
    client.force_login(UserFactory())
    assert "Cora Contact" in client.get(company.get_absolute_url()).content.decode()


def test_outsiders_cannot_list_themselves_as_contacts(member_client):
    company = CompanyFactory()
    response = member_client.post(members_url(company), {"action": "contact", "show": "1"})
    assert response.status_code == 403


def _confirm(user, email):
    address = EmailAddress.objects.get(user=user, email=email)
    email_confirmed.send(
        sender=EmailAddress, request=RequestFactory().get("/"), email_address=address
    )


def test_confirming_an_email_on_a_claimed_domain_asks_to_join_that_company():
    company = CompanyFactory()
    ClaimedDomain.objects.create(company=company, domain="nimbus.example")
    user = UserFactory(email="ada@nimbus.example")
    _confirm(user, "ada@nimbus.example")
    membership = CompanyMembership.objects.get(user=user)
    assert (membership.company, membership.status) == (company, "requested")


def test_no_request_for_unclaimed_domains_or_people_who_have_a_company():
    company = CompanyFactory()
    ClaimedDomain.objects.create(company=company, domain="nimbus.example")
    stranger = UserFactory(email="ed@elsewhere.example")
    _confirm(stranger, "ed@elsewhere.example")
    colleague = UserFactory(email="bo@nimbus.example")
    existing = CompanyMembershipFactory(user=colleague)
    _confirm(colleague, "bo@nimbus.example")
    assert not CompanyMembership.objects.filter(user=stranger).exists()
    assert list(CompanyMembership.objects.filter(user=colleague)) == [existing]


def test_signing_in_with_a_verified_email_on_a_claimed_domain_asks_to_join(client):
    user = UserFactory(email="lin@stratus.example")
    company = CompanyFactory()
    ClaimedDomain.objects.create(company=company, domain="stratus.example")
    response = client.post(
        reverse("account_login"), {"login": "lin@stratus.example", "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert CompanyMembership.objects.get(user=user).company == company
