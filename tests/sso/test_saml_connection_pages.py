"""A company admin connects a SAML 2.0 identity provider: the portal shows what to copy into the
IdP, takes the IdP's metadata or its details by hand, says clearly what is wrong with them, and
nobody but the company's admins can do any of it."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.urls import reverse
from django.utils.html import escape
from lxml import etree

from directory.models import ClaimedDomain
from sso.forms import SAML_FIELD_REQUIRED, URL_NOT_HTTPS
from sso.models import ConnectionLog, IdentityProviderConnection
from sso.saml import (
    CERTIFICATE_EXPIRED,
    METADATA_ADDRESS_PRIVATE,
    METADATA_NOT_FETCHED,
    METADATA_UNREADABLE,
    NOT_A_CERTIFICATE,
)
from tests.directory.factories import CompanyFactory, CompanyMembershipFactory
from tests.factories import UserFactory
from tests.sso.conftest import connect_company, connect_company_saml
from tests.sso.saml_idp import key_and_certificate

pytestmark = pytest.mark.django_db


@pytest.fixture
def company():
    company = CompanyFactory(name="Acme Corp")
    ClaimedDomain.objects.create(company=company, domain="acme.example")
    return company


@pytest.fixture
def admin_client(client, company):
    client.force_login(CompanyMembershipFactory(company=company, admin=True).user)
    return client


def saml_data(company, idp, **changes) -> dict:
    domain = ClaimedDomain.objects.get(company=company, domain="acme.example")
    data = {
        "protocol": "saml",
        "saml-entity_id": idp.entity_id,
        "saml-sso_url": idp.sso_url,
        "saml-x509cert": idp.certificate_pem,
        "saml-domains": [domain.pk],
    }
    data.update({f"saml-{name}": value for name, value in changes.items()})
    return data


def page(company) -> str:
    return reverse("sso:company", args=[company.slug])


def test_the_admin_page_shows_the_entity_id_and_acs_url_to_copy(admin_client, company):
    response = admin_client.get(page(company))

    assert response.status_code == 200
    content = response.content.decode()
    assert f"http://testserver/accounts/saml/company-{company.pk}/acs/" in content
    assert f"http://testserver/accounts/saml/company-{company.pk}/metadata/" in content


def test_the_admin_downloads_the_portal_metadata_before_any_approval(admin_client, company):
    response = admin_client.get(reverse("sso:company-saml-metadata", args=[company.slug]))

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    metadata = etree.fromstring(response.content)
    md = "{urn:oasis:names:tc:SAML:2.0:metadata}"
    assert metadata.get("entityID") == (
        f"http://testserver/accounts/saml/company-{company.pk}/metadata/"
    )
    acs = metadata.find(f"{md}SPSSODescriptor/{md}AssertionConsumerService")
    assert acs.get("Location") == f"http://testserver/accounts/saml/company-{company.pk}/acs/"


def test_an_admin_requests_a_saml_connection_and_it_waits_for_staff_audited(
    admin_client, company, saml_idp
):
    response = admin_client.post(page(company), saml_data(company, saml_idp))

    assert response.status_code == 302
    connection = IdentityProviderConnection.objects.get(company=company)
    assert connection.status == IdentityProviderConnection.Status.PENDING
    assert connection.is_saml
    assert connection.issuer == saml_idp.entity_id
    assert connection.saml_idp["sso_url"] == saml_idp.sso_url
    entry = connection.log.get()
    assert entry.action == ConnectionLog.Action.REQUESTED
    assert entry.detail == f"SAML {saml_idp.entity_id} (acme.example)"
    shown = admin_client.get(page(company)).content.decode()
    assert "SAML 2.0" in shown
    assert "Waiting for program staff" in shown


def test_the_idp_metadata_xml_fills_in_its_details(admin_client, company, saml_idp):
    data = saml_data(
        company, saml_idp, entity_id="", sso_url="", x509cert="", metadata_xml=saml_idp.metadata()
    )

    assert admin_client.post(page(company), data).status_code == 302
    idp = IdentityProviderConnection.objects.get(company=company).saml_idp
    assert (idp["entity_id"], idp["sso_url"]) == (saml_idp.entity_id, saml_idp.sso_url)
    assert idp["x509cert"] in saml_idp.certificate_pem.replace("\n", "")


def errors_shown(response, message: str) -> bool:
    return response.status_code == 400 and escape(message) in response.content.decode()


def test_a_bad_certificate_is_refused_with_a_clear_message(admin_client, company, saml_idp):
    response = admin_client.post(
        page(company), saml_data(company, saml_idp, x509cert="-----BEGIN CERTIFICATE-----\nnope")
    )

    assert errors_shown(response, NOT_A_CERTIFICATE)
    assert not IdentityProviderConnection.objects.exists()


def test_an_expired_certificate_is_refused_saying_when_it_expired(admin_client, company, saml_idp):
    _, expired = key_and_certificate("Old IdP", expired=True)

    response = admin_client.post(page(company), saml_data(company, saml_idp, x509cert=expired))

    assert response.status_code == 400
    assert escape(CERTIFICATE_EXPIRED.split("{date}")[0]) in response.content.decode()
    assert not IdentityProviderConnection.objects.exists()


def test_missing_details_without_metadata_are_each_named(admin_client, company, saml_idp):
    response = admin_client.post(
        page(company), saml_data(company, saml_idp, entity_id="", sso_url="", x509cert="")
    )

    assert errors_shown(response, SAML_FIELD_REQUIRED)
    assert response.content.decode().count(escape(SAML_FIELD_REQUIRED)) == 3


def test_xml_that_is_not_idp_metadata_is_refused(admin_client, company, saml_idp):
    response = admin_client.post(
        page(company), saml_data(company, saml_idp, metadata_xml="<html>hello</html>")
    )

    assert errors_shown(response, METADATA_UNREADABLE)


def test_a_metadata_url_that_does_not_answer_is_refused(admin_client, company, saml_idp):
    url = "http://127.0.0.1:9/metadata"  # the discard port: nothing listens

    response = admin_client.post(page(company), saml_data(company, saml_idp, metadata_url=url))

    assert errors_shown(response, METADATA_NOT_FETCHED.format(url=url))


@pytest.fixture
def metadata_server(saml_idp):
    """An identity provider's web server on loopback: /metadata answers its metadata, /moved
    redirects there, /huge answers 2 MB."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path == "/moved":
                self.send_response(302)
                self.send_header("Location", "/metadata")
                self.end_headers()
                return
            body = saml_idp.metadata().encode() if self.path == "/metadata" else b"<" * 2_000_000
            self.send_response(200)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_metadata_read_from_the_identity_providers_url_fills_the_connection(
    admin_client, company, saml_idp, metadata_server
):
    data = saml_data(company, saml_idp, metadata_url=f"{metadata_server}/metadata")
    data.update({"saml-entity_id": "", "saml-sso_url": "", "saml-x509cert": ""})

    admin_client.post(page(company), data)

    connection = IdentityProviderConnection.objects.get(company=company)
    assert connection.app.settings["idp"]["entity_id"] == saml_idp.entity_id


@pytest.mark.parametrize("path", ["/moved", "/huge"], ids=["a redirect", "2 MB"])
def test_metadata_behind_a_redirect_or_too_large_is_not_read(
    admin_client, company, saml_idp, metadata_server, path
):
    url = f"{metadata_server}{path}"

    response = admin_client.post(page(company), saml_data(company, saml_idp, metadata_url=url))

    assert errors_shown(response, METADATA_NOT_FETCHED.format(url=url))
    assert not IdentityProviderConnection.objects.filter(company=company).exists()


@pytest.mark.parametrize(
    "url",
    [
        "https://169.254.169.254/latest/meta-data/",
        "https://10.0.0.5/metadata",
        "https://127.0.0.1:8443/metadata",
        "https://[::1]/metadata",
    ],
    ids=["cloud metadata service", "private network", "loopback", "loopback IPv6"],
)
def test_in_production_metadata_is_never_fetched_from_a_private_or_local_address(
    admin_client, company, saml_idp, settings, url
):
    settings.SSO_ALLOW_LOOPBACK_IDP = False

    response = admin_client.post(page(company), saml_data(company, saml_idp, metadata_url=url))

    assert errors_shown(response, METADATA_ADDRESS_PRIVATE)
    assert not IdentityProviderConnection.objects.filter(company=company).exists()


def test_in_production_an_identity_provider_over_http_on_localhost_is_refused(
    admin_client, company, saml_idp, settings
):
    settings.SSO_ALLOW_LOOPBACK_IDP = False

    response = admin_client.post(
        page(company), saml_data(company, saml_idp, sso_url="http://localhost:8080/sso")
    )

    assert errors_shown(response, URL_NOT_HTTPS)


def test_a_single_sign_on_url_without_https_is_refused(admin_client, company, saml_idp):
    response = admin_client.post(
        page(company), saml_data(company, saml_idp, sso_url="http://idp.acme.example/sso")
    )

    assert errors_shown(response, URL_NOT_HTTPS)


def test_switching_from_oidc_to_saml_drops_the_client_secret(client, saml_idp):
    connection = connect_company(issuer="https://login.acme.example")
    client.force_login(connection.requested_by)
    company = connection.company

    assert client.post(page(company), saml_data(company, saml_idp)).status_code == 302

    connection.refresh_from_db()
    connection.app.refresh_from_db()
    assert connection.is_saml
    assert connection.app.secret == ""
    assert "server_url" not in connection.app.settings
    assert connection.status == IdentityProviderConnection.Status.PENDING


@pytest.mark.parametrize("who", ["visitor", "member", "other_admin", "staff"])
def test_nobody_but_the_company_admins_can_connect_or_edit_saml(client, company, saml_idp, who):
    if who == "member":
        client.force_login(CompanyMembershipFactory(company=company).user)
    elif who == "other_admin":
        client.force_login(CompanyMembershipFactory(admin=True).user)
    elif who == "staff":
        client.force_login(UserFactory(is_staff=True))
    theirs = connect_company_saml(saml_idp, domain="theirs.example", name="Theirs")
    before = theirs.app.settings

    for target in (company, theirs.company):
        assert client.get(page(target)).status_code == 404
        assert client.post(page(target), saml_data(company, saml_idp)).status_code == 404
        metadata = reverse("sso:company-saml-metadata", args=[target.slug])
        assert client.get(metadata).status_code == 404
    assert not IdentityProviderConnection.objects.filter(company=company).exists()
    theirs.app.refresh_from_db()
    assert theirs.app.settings == before


def test_staff_see_the_certificate_fingerprint_and_approve(staff_client, saml_idp):
    connection = connect_company_saml(saml_idp, approve=False)
    detail = reverse("sso:review-detail", args=[connection.pk])

    content = staff_client.get(detail).content.decode()
    assert "SHA-256" in content
    assert saml_idp.entity_id in content
    assert staff_client.post(detail, {"action": "approve"}).status_code == 302

    connection.refresh_from_db()
    assert connection.is_approved
    assert connection.log.filter(action=ConnectionLog.Action.APPROVED).exists()
