"""Signing in through a company's SAML 2.0 identity provider, SP-initiated from the portal's
sign-in page: the portal's AuthnRequest goes to the test IdP (tests/sso/saml_idp.py), whose
Response, signed by xmlsec with a key made for the run, is POSTed to the portal's ACS URL and
checked by allauth's SAML provider (python3-saml)."""

from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from directory.models import CompanyMembership
from portal.models import User
from sso.adapters import EMAIL_NOT_COVERED
from sso.saml import RESPONSE_REFUSED
from sso.services import connection_set_password_sign_in
from tests.factories import TEST_PASSWORD, UserFactory
from tests.sso.conftest import connect_company_saml
from tests.sso.saml_idp import AuthnRequest, encode, key_and_certificate

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client):
    # A browser always names the host; allauth's SAML views read the Host header itself.
    client.defaults["HTTP_HOST"] = "testserver"
    return client


@pytest.fixture
def acme(saml_idp):
    return connect_company_saml(saml_idp)


def start(client, email: str, next_url: str | None = None):
    data = {"email": email, **({"next": next_url} if next_url else {})}
    return client.post(reverse("sso:sign-in"), data)


def started_request(client, idp, email: str = "alice@acme.example") -> AuthnRequest:
    response = start(client, email)
    assert response.status_code == 302, response.content
    return idp.read_request(response["Location"])


def post_to_acs(client, request: AuthnRequest, saml_response: str):
    """The browser POSTs the IdP's answer to the ACS URL; allauth then finishes on its own
    redirect (where the session cookie is sent again)."""
    data = {"SAMLResponse": encode(saml_response)}
    if request.relay_state is not None:
        data["RelayState"] = request.relay_state
    posted = client.post(urlsplit(request.acs_url).path, data)
    assert posted.status_code == 302, posted.content
    return client.get(posted["Location"])


def sign_in(client, idp, email: str = "alice@acme.example", *, as_email: str | None = None):
    request = started_request(client, idp, email)
    answer = idp.sign(idp.response_xml(request, email=as_email or email, name="Alice Acme"))
    return post_to_acs(client, request, answer)


def test_the_email_domain_sends_the_person_to_their_company_idp_with_an_authn_request(
    client, acme, saml_idp
):
    request = started_request(client, saml_idp)

    provider_id = acme.app.provider_id
    assert request.acs_url == f"http://testserver/accounts/saml/{provider_id}/acs/"
    assert request.issuer == f"http://testserver/accounts/saml/{provider_id}/metadata/"
    assert request.id


def test_a_new_person_signs_in_and_lands_in_the_company_of_their_domain(client, acme, saml_idp):
    response = sign_in(client, saml_idp)

    assert response.status_code == 302
    user = User.objects.get(email="alice@acme.example")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert user.display_name == "Alice Acme"
    assert not user.has_usable_password()
    assert EmailAddress.objects.get(user=user).verified
    membership = CompanyMembership.objects.get(user=user)
    assert (membership.company, membership.status) == (
        acme.company,
        CompanyMembership.Status.APPROVED,
    )
    assert user.socialaccount_set.get().provider == acme.app.provider_id


def test_the_next_page_asked_for_at_sign_in_is_where_the_person_lands(client, acme, saml_idp):
    response = start(client, "alice@acme.example", next_url="/directory/")
    request = saml_idp.read_request(response["Location"])
    answer = saml_idp.sign(saml_idp.response_xml(request, email="alice@acme.example"))

    assert post_to_acs(client, request, answer)["Location"] == "/directory/"


def test_an_existing_account_with_the_same_email_is_signed_into_not_duplicated(
    client, acme, saml_idp
):
    existing = UserFactory(email="alice@acme.example")

    response = sign_in(client, saml_idp)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(existing.pk)
    assert User.objects.filter(email__iexact="alice@acme.example").count() == 1


def test_someone_from_another_domain_is_refused_with_a_clear_message(client, acme, saml_idp):
    response = sign_in(client, saml_idp, as_email="bob@other.example")

    assert response.status_code == 403
    message = EMAIL_NOT_COVERED.format(email="bob@other.example", domains="acme.example")
    assert escape(message) in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(email="bob@other.example").exists()


def refused(client, response) -> bool:
    return (
        response.status_code == 403
        and escape(RESPONSE_REFUSED) in response.content.decode()
        and "_auth_user_id" not in client.session
    )


def test_a_response_changed_after_signing_is_refused(client, acme, saml_idp):
    request = started_request(client, saml_idp)
    signed = saml_idp.sign(saml_idp.response_xml(request, email="alice@acme.example"))
    tampered = signed.replace("alice@acme.example", "boss@acme.example")

    response = post_to_acs(client, request, tampered)

    assert refused(client, response)
    assert not User.objects.filter(email="alice@acme.example").exists()


def test_an_unsigned_response_is_refused(client, acme, saml_idp):
    request = started_request(client, saml_idp)
    unsigned = saml_idp.response_xml(request, email="alice@acme.example")

    assert refused(client, post_to_acs(client, request, unsigned))
    assert not User.objects.filter(email="alice@acme.example").exists()


def test_a_response_signed_with_another_key_is_refused(client, acme, saml_idp):
    request = started_request(client, saml_idp)
    key_pem, certificate_pem = key_and_certificate("Mallory")
    forged = saml_idp.sign(
        saml_idp.response_xml(request, email="alice@acme.example"),
        key_pem=key_pem,
        certificate_pem=certificate_pem,
    )

    assert refused(client, post_to_acs(client, request, forged))
    assert not User.objects.filter(email="alice@acme.example").exists()


def test_a_response_for_another_service_provider_is_refused(client, acme, saml_idp):
    request = started_request(client, saml_idp)
    elsewhere = saml_idp.sign(
        saml_idp.response_xml(
            request, email="alice@acme.example", audience="https://other-sp.example/metadata"
        )
    )

    assert refused(client, post_to_acs(client, request, elsewhere))


def test_garbage_instead_of_a_response_is_refused_not_a_server_error(client, acme, saml_idp):
    request = started_request(client, saml_idp)

    assert refused(client, post_to_acs(client, request, "<not-saml/>"))


def test_an_unsolicited_response_is_refused(client, acme, saml_idp):
    # IdP-initiated: no sign-in started at the portal, so nothing it answers to.
    acs_url = f"http://testserver/accounts/saml/{acme.app.provider_id}/acs/"
    unsolicited = saml_idp.sign(
        saml_idp.response_xml(
            None,
            email="alice@acme.example",
            acs_url=acs_url,
            audience=f"http://testserver/accounts/saml/{acme.app.provider_id}/metadata/",
        )
    )
    request = AuthnRequest(id="", issuer="", acs_url=acs_url, relay_state=None)

    assert refused(client, post_to_acs(client, request, unsolicited))
    assert not User.objects.filter(email="alice@acme.example").exists()


def test_a_response_used_twice_signs_in_only_once(client, acme, saml_idp):
    request = started_request(client, saml_idp)
    answer = saml_idp.sign(saml_idp.response_xml(request, email="alice@acme.example"))
    assert post_to_acs(client, request, answer).status_code == 302
    client.logout()

    replayed = post_to_acs(client, request, answer)

    assert replayed.status_code == 403
    assert "_auth_user_id" not in client.session


def test_a_connection_staff_have_not_approved_signs_nobody_in(client, saml_idp):
    pending = connect_company_saml(saml_idp, approve=False)
    provider_id = pending.app.provider_id

    assert start(client, "alice@acme.example").status_code == 400
    assert client.get(reverse("saml_login", args=[provider_id])).status_code == 404
    # An answer sent straight to its ACS URL is not taken either.
    request = AuthnRequest(
        id="_x",
        issuer=f"http://testserver/accounts/saml/{provider_id}/metadata/",
        acs_url=f"http://testserver/accounts/saml/{provider_id}/acs/",
        relay_state=None,
    )
    answer = saml_idp.sign(saml_idp.response_xml(request, email="alice@acme.example"))
    assert post_to_acs(client, request, answer).status_code == 404
    assert not User.objects.filter(email="alice@acme.example").exists()


def test_password_sign_in_switched_off_for_a_saml_company_leaves_only_its_idp(
    client, acme, saml_idp
):
    user = UserFactory(email="alice@acme.example")
    connection_set_password_sign_in(connection=acme, actor=acme.requested_by, enabled=False)

    by_password = client.post(
        reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD}
    )
    assert by_password.status_code == 200
    assert "_auth_user_id" not in client.session

    assert sign_in(client, saml_idp).status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_request_without_a_host_header_still_starts_a_sign_in(acme, saml_idp):
    # A bare HTTP/1.0 request names no host; allauth's SAML views read the header directly.
    response = Client().post(reverse("saml_login", args=[acme.app.provider_id]))

    assert response.status_code == 302
    assert saml_idp.read_request(response["Location"]).acs_url == (
        f"http://testserver/accounts/saml/{acme.app.provider_id}/acs/"
    )


def test_the_portal_metadata_is_public_once_approved(acme):
    response = Client().get(reverse("saml_metadata", args=[acme.app.provider_id]))

    assert response.status_code == 200
    assert f"http://testserver/accounts/saml/{acme.app.provider_id}/acs/" in response.text
