"""A company admin requests an identity-provider connection, program staff decide, and the
admin switches password sign-in; nobody else can see or change any of it."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape

from directory.models import ClaimedDomain
from sso.forms import ISSUER_ADDRESS_PRIVATE
from sso.models import ConnectionLog, IdentityProviderConnection
from sso.services import DOMAIN_NOT_CLAIMED, NOT_APPROVED, connection_request
from tests.directory.factories import CompanyFactory, CompanyMembershipFactory
from tests.factories import UserFactory
from tests.sso.conftest import CLIENT_SECRET, connect_company

pytestmark = pytest.mark.django_db

ISSUER = "https://login.acme.example/tenant"


@pytest.fixture
def company():
    company = CompanyFactory(name="Acme Corp")
    ClaimedDomain.objects.create(company=company, domain="acme.example")
    ClaimedDomain.objects.create(company=company, domain="acme-labs.example")
    return company


@pytest.fixture
def admin_client(client, company):
    client.force_login(CompanyMembershipFactory(company=company, admin=True).user)
    return client


def request_data(company, **changes) -> dict:
    domain = ClaimedDomain.objects.get(company=company, domain="acme.example")
    return {
        "issuer": ISSUER,
        "client_id": "portal-client",
        "client_secret": CLIENT_SECRET,
        "domains": [domain.pk],
        **changes,
    }


def test_the_admin_page_shows_the_redirect_uri_to_register(admin_client, company):
    response = admin_client.get(reverse("sso:company", args=[company.slug]))

    assert response.status_code == 200
    assert f"http://testserver/accounts/oidc/company-{company.pk}/login/callback/" in (
        response.content.decode()
    )


def test_an_admin_requests_a_connection_and_it_waits_for_staff(admin_client, company):
    url = reverse("sso:company", args=[company.slug])

    response = admin_client.post(url, request_data(company))

    assert response.status_code == 302
    connection = IdentityProviderConnection.objects.get(company=company)
    assert connection.status == IdentityProviderConnection.Status.PENDING
    assert connection.app.settings == {"server_url": ISSUER, "oauth_pkce_enabled": True}
    assert [d.domain for d in connection.domains.all()] == ["acme.example"]
    assert ConnectionLog.objects.get(connection=connection).action == "requested"


def test_the_client_secret_is_never_shown_back(admin_client, company):
    url = reverse("sso:company", args=[company.slug])
    admin_client.post(url, request_data(company))

    page = admin_client.get(url).content.decode()
    invalid = admin_client.post(url, request_data(company, issuer="not a url")).content.decode()

    assert CLIENT_SECRET not in page
    assert CLIENT_SECRET not in invalid
    assert "portal-client" in page


def test_a_blank_secret_keeps_the_stored_one(admin_client, company):
    url = reverse("sso:company", args=[company.slug])
    admin_client.post(url, request_data(company))

    admin_client.post(url, request_data(company, client_secret="", client_id="renamed"))

    app = IdentityProviderConnection.objects.get(company=company).app
    assert (app.client_id, app.secret) == ("renamed", CLIENT_SECRET)


def test_only_domains_the_company_claimed_can_be_covered(admin_client, company):
    other = ClaimedDomain.objects.create(company=CompanyFactory(), domain="other.example")
    url = reverse("sso:company", args=[company.slug])

    response = admin_client.post(url, request_data(company, domains=[other.pk]))

    assert response.status_code == 400
    assert not IdentityProviderConnection.objects.exists()


@pytest.mark.parametrize("issuer", ["http://idp.example", "http://localhost.evil.example/o"])
def test_an_issuer_without_https_is_refused(admin_client, company, issuer):
    url = reverse("sso:company", args=[company.slug])

    response = admin_client.post(url, request_data(company, issuer=issuer))

    assert response.status_code == 400
    assert "must start with https://" in response.content.decode()


@pytest.mark.parametrize(
    "issuer", ["https://169.254.169.254/latest", "https://192.168.1.10/realms/acme"]
)
def test_in_production_an_issuer_on_a_private_network_is_refused(
    admin_client, company, settings, issuer
):
    settings.SSO_ALLOW_LOOPBACK_IDP = False
    url = reverse("sso:company", args=[company.slug])

    response = admin_client.post(url, request_data(company, issuer=issuer))

    assert response.status_code == 400
    assert escape(ISSUER_ADDRESS_PRIVATE) in response.content.decode()
    assert not IdentityProviderConnection.objects.exists()


def test_the_service_refuses_a_domain_of_another_company(company):
    other = ClaimedDomain.objects.create(company=CompanyFactory(), domain="other.example")

    with pytest.raises(ValidationError, match=DOMAIN_NOT_CLAIMED):
        connection_request(
            company=company,
            admin=UserFactory(),
            issuer=ISSUER,
            client_id="x",
            client_secret="y",
            domains=[other],
        )


@pytest.mark.parametrize("who", ["visitor", "member", "other_admin", "staff"])
def test_nobody_but_the_company_admins_can_see_or_change_its_connection(client, company, who):
    if who == "member":
        client.force_login(CompanyMembershipFactory(company=company).user)
    elif who == "other_admin":
        client.force_login(CompanyMembershipFactory(admin=True).user)
    elif who == "staff":
        client.force_login(UserFactory(is_staff=True))
    connection = connect_company(issuer=ISSUER, domain="theirs.example", name="Theirs")
    url = reverse("sso:company", args=[company.slug])
    their_switch = reverse("sso:company-password", args=[connection.company.slug])

    assert client.get(url).status_code == 404
    assert client.post(url, request_data(company)).status_code == 404
    assert client.post(their_switch, {"enabled": "off"}).status_code == 404
    assert not IdentityProviderConnection.objects.filter(company=company).exists()
    connection.refresh_from_db()
    assert connection.password_sign_in is True


def test_an_unknown_company_is_404(admin_client):
    assert admin_client.get(reverse("sso:company", args=["no-such-company"])).status_code == 404


@pytest.mark.parametrize("who", ["visitor", "member", "company_admin"])
def test_the_review_pages_are_404_for_everyone_but_staff(client, who):
    connection = connect_company(issuer=ISSUER, approve=False)
    if who == "member":
        client.force_login(UserFactory())
    elif who == "company_admin":
        client.force_login(connection.requested_by)
    detail = reverse("sso:review-detail", args=[connection.pk])

    assert client.get(reverse("sso:review")).status_code == 404
    assert client.get(detail).status_code == 404
    assert client.post(detail, {"action": "approve"}).status_code == 404
    switch = reverse("sso:review-password", args=[connection.pk])
    assert client.post(switch, {"enabled": "off"}).status_code == 404
    connection.refresh_from_db()
    assert connection.status == IdentityProviderConnection.Status.PENDING


def test_staff_approve_a_connection_and_it_is_audited(staff_client, staff):
    connection = connect_company(issuer=ISSUER, approve=False)
    detail = reverse("sso:review-detail", args=[connection.pk])
    listing = staff_client.get(reverse("sso:review")).content.decode()
    assert "Acme Corp" in listing

    response = staff_client.post(detail, {"action": "approve"})

    assert response.status_code == 302
    connection.refresh_from_db()
    assert (connection.status, connection.decided_by) == ("approved", staff)
    entry = ConnectionLog.objects.filter(connection=connection).first()
    assert (entry.action, entry.actor) == ("approved", staff)
    assert CLIENT_SECRET not in staff_client.get(detail).content.decode()


def test_staff_reject_with_a_reason_the_admin_then_reads(staff_client, client):
    connection = connect_company(issuer=ISSUER, approve=False)
    detail = reverse("sso:review-detail", args=[connection.pk])

    staff_client.post(detail, {"action": "reject", "reason": "Use your production tenant."})

    connection.refresh_from_db()
    assert connection.status == IdentityProviderConnection.Status.REJECTED
    client.force_login(connection.requested_by)
    page = client.get(reverse("sso:company", args=[connection.company.slug]))
    assert "Use your production tenant." in page.content.decode()


def test_a_reject_without_reason_is_refused(staff_client):
    connection = connect_company(issuer=ISSUER, approve=False)

    response = staff_client.post(
        reverse("sso:review-detail", args=[connection.pk]), {"action": "reject", "reason": ""}
    )

    assert response.status_code == 400
    connection.refresh_from_db()
    assert connection.status == IdentityProviderConnection.Status.PENDING


def test_the_review_list_costs_the_same_queries_for_one_or_many(
    staff_client, django_assert_max_num_queries
):
    connect_company(issuer=ISSUER, approve=False, domain="a.example", name="A")
    with django_assert_max_num_queries(12) as one:
        staff_client.get(reverse("sso:review"))
    for n in range(8):
        connect_company(issuer=ISSUER, approve=False, domain=f"d{n}.example", name=f"C{n}")

    with django_assert_max_num_queries(len(one.captured_queries)):
        response = staff_client.get(reverse("sso:review"))

    assert response.status_code == 200


def test_the_admin_switches_password_sign_in_off_and_back_on_audited(client):
    connection = connect_company(issuer=ISSUER)
    client.force_login(connection.requested_by)
    url = reverse("sso:company-password", args=[connection.company.slug])

    client.post(url, {"enabled": "off"})
    connection.refresh_from_db()
    assert connection.password_sign_in is False
    client.post(url, {"enabled": "on"})
    connection.refresh_from_db()
    assert connection.password_sign_in is True

    actions = list(ConnectionLog.objects.filter(connection=connection).values_list("action"))
    assert actions[:2] == [("password_on",), ("password_off",)]


def test_staff_switch_password_sign_in_back_on_for_a_company(staff_client, staff):
    connection = connect_company(issuer=ISSUER)
    connection.password_sign_in = False
    connection.save()

    staff_client.post(reverse("sso:review-password", args=[connection.pk]), {"enabled": "on"})

    connection.refresh_from_db()
    assert connection.password_sign_in is True
    entry = ConnectionLog.objects.filter(connection=connection).first()
    assert (entry.action, entry.actor) == ("password_on", staff)


def test_password_sign_in_stays_on_until_staff_approved(client):
    connection = connect_company(issuer=ISSUER, approve=False)
    client.force_login(connection.requested_by)
    url = reverse("sso:company-password", args=[connection.company.slug])

    response = client.post(url, {"enabled": "off"}, follow=True)

    connection.refresh_from_db()
    assert connection.password_sign_in is True
    assert escape(NOT_APPROVED) in response.content.decode()


def test_a_changed_connection_waits_for_staff_again_with_passwords_back_on(client):
    connection = connect_company(issuer=ISSUER)
    connection.password_sign_in = False
    connection.save()
    client.force_login(connection.requested_by)
    domain = connection.domains.get()

    client.post(
        reverse("sso:company", args=[connection.company.slug]),
        {
            "issuer": "https://new.example",
            "client_id": "c",
            "client_secret": "",
            "domains": [domain.pk],
        },
    )

    connection.refresh_from_db()
    assert (connection.status, connection.password_sign_in) == ("pending", True)
