"""Signing in through a company's identity provider: a real OpenID Connect provider process
(tests/sso_provider), the authorization-code flow with PKCE, driven by the test client and
``requests``."""

from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils.html import escape

from directory.models import CompanyMembership
from portal.models import User
from sso.adapters import EMAIL_NOT_COVERED, PROVIDER_UNAVAILABLE
from sso.views import NO_PROVIDER
from tests.directory.factories import CompanyMembershipFactory
from tests.factories import UserFactory
from tests.sso.conftest import authorize_query, connect_company, provider_sign_in

pytestmark = pytest.mark.django_db


def start(client, email: str):
    return client.post(reverse("sso:sign-in"), {"email": email})


def sign_in_through_provider(client, email: str, as_email: str | None = None):
    """Home-realm discovery for ``email``, the person signs in at the provider (as
    ``as_email``, by default the same), and the browser comes back to the portal's callback."""
    started = start(client, email)
    assert started.status_code == 302, started.content
    callback = provider_sign_in(started["Location"], as_email or email)
    parts = urlsplit(callback)
    return client.get(f"{parts.path}?{parts.query}")


def test_the_email_domain_sends_the_person_to_their_company_provider_with_pkce(
    client, acme, oidc_provider
):
    response = start(client, "alice@acme.example")

    assert response.status_code == 302
    assert response["Location"].startswith(f"{oidc_provider.issuer}/authorize/")
    query = authorize_query(response["Location"])
    assert query["client_id"] == oidc_provider.client_id
    assert query["code_challenge_method"] == "S256"
    assert len(query["code_challenge"]) >= 43
    assert query["login_hint"] == "alice@acme.example"
    assert query["redirect_uri"] == (
        f"http://testserver/accounts/oidc/{acme.app.provider_id}/login/callback/"
    )


def test_a_new_person_signs_in_and_lands_in_the_company_of_their_domain(client, acme):
    response = sign_in_through_provider(client, "alice@acme.example")

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


def test_an_existing_account_with_the_same_email_is_signed_into_not_duplicated(client, acme):
    existing = UserFactory(email="alice@acme.example")

    response = sign_in_through_provider(client, "alice@acme.example")

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(existing.pk)
    assert User.objects.filter(email__iexact="alice@acme.example").count() == 1


def test_someone_from_another_domain_is_refused_with_a_clear_message(client, acme):
    # Typed an Acme address, but signed in at the provider as someone from other.example.
    response = sign_in_through_provider(client, "alice@acme.example", as_email="bob@other.example")

    assert response.status_code == 403
    message = EMAIL_NOT_COVERED.format(email="bob@other.example", domains="acme.example")
    assert escape(message) in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(email="bob@other.example").exists()


def test_an_email_the_provider_did_not_verify_is_refused(client, acme):
    response = sign_in_through_provider(client, "unverified@acme.example")

    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(email="unverified@acme.example").exists()


def test_a_domain_without_a_connection_is_told_to_use_its_password(client, acme):
    response = start(client, "someone@nowhere.example")

    assert response.status_code == 400
    assert escape(NO_PROVIDER.format(domain="nowhere.example")) in response.content.decode()


def test_a_connection_staff_have_not_approved_signs_nobody_in(client, oidc_provider):
    pending = connect_company(issuer=oidc_provider.issuer, approve=False)

    assert start(client, "alice@acme.example").status_code == 400
    url = reverse("openid_connect_login", kwargs={"provider_id": pending.app.provider_id})
    assert client.post(url).status_code == 404


def test_a_provider_that_does_not_answer_gives_a_clear_error_page(client, db):
    connect_company(issuer="http://127.0.0.1:9/o")  # the discard port: nothing listens

    response = start(client, "alice@acme.example")

    assert response.status_code == 503
    assert escape(PROVIDER_UNAVAILABLE) in response.content.decode()


def test_a_provider_that_goes_down_before_the_callback_gives_a_clear_error_page(
    client, acme, settings
):
    started = start(client, "alice@acme.example")
    callback = provider_sign_in(started["Location"], "alice@acme.example")
    # The token endpoint stops answering between the redirect and the code exchange.
    acme.app.settings["openid_configuration_overrides"] = {
        "token_endpoint": "http://127.0.0.1:9/o/token/"
    }
    acme.app.save()
    parts = urlsplit(callback)

    response = client.get(f"{parts.path}?{parts.query}")

    assert response.status_code == 503
    assert escape(PROVIDER_UNAVAILABLE) in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_tampered_state_is_refused(client, acme):
    started = start(client, "alice@acme.example")
    callback = provider_sign_in(started["Location"], "alice@acme.example")
    parts = urlsplit(callback)
    query = parts.query.replace("state=", "state=x")

    response = client.get(f"{parts.path}?{query}")

    assert response.status_code < 500
    assert "_auth_user_id" not in client.session


def test_someone_who_belongs_to_another_company_keeps_it(client, acme):
    existing = UserFactory(email="alice@acme.example")
    elsewhere = CompanyMembershipFactory(user=existing).company

    sign_in_through_provider(client, "alice@acme.example")

    assert [m.company for m in CompanyMembership.objects.filter(user=existing)] == [elsewhere]


def test_a_revoked_connection_stops_signing_people_in(client, acme):
    started = start(client, "alice@acme.example")
    callback = provider_sign_in(started["Location"], "alice@acme.example")
    acme.status = acme.Status.REJECTED
    acme.save()
    parts = urlsplit(callback)

    response = client.get(f"{parts.path}?{parts.query}")

    assert response.status_code == 404
    assert "_auth_user_id" not in client.session


def test_too_many_discovery_attempts_are_rate_limited(client, db):
    for _ in range(20):
        assert start(client, "someone@nowhere.example").status_code == 400

    response = start(client, "someone@nowhere.example")

    assert response.status_code == 429


def test_entra_ids_domain_verified_claim_counts_as_a_verified_email(client, acme):
    # Microsoft Entra ID sends xms_edov (email domain owner verified) instead of email_verified.
    response = sign_in_through_provider(client, "erin@acme.example")

    assert response.status_code == 302
    erin = User.objects.get(email="erin@acme.example")
    assert EmailAddress.objects.get(user=erin).verified


def test_a_provider_that_is_down_at_the_callback_gives_a_clear_error_page(client, acme):
    started = start(client, "alice@acme.example")
    callback = provider_sign_in(started["Location"], "alice@acme.example")
    # The whole provider (its discovery document too) is gone when the browser comes back.
    acme.app.settings["server_url"] = "http://127.0.0.1:9/o"
    acme.app.save()
    parts = urlsplit(callback)

    response = client.get(f"{parts.path}?{parts.query}")

    assert response.status_code == 503
    assert escape(PROVIDER_UNAVAILABLE) in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_allauths_own_sign_in_url_gives_a_clear_error_page_when_the_provider_is_down(client, db):
    connection = connect_company(issuer="http://127.0.0.1:9/o")
    url = reverse("openid_connect_login", kwargs={"provider_id": connection.app.provider_id})

    response = client.post(url)

    assert response.status_code == 503
    assert escape(PROVIDER_UNAVAILABLE) in response.content.decode()


def test_the_page_asked_for_before_signing_in_is_where_the_person_lands(client, acme):
    login_page = client.get(reverse("account_login"), {"next": "/groups/"}).content.decode()
    assert f"{reverse('sso:sign-in')}?next=/groups/" in login_page

    started = client.post(
        f"{reverse('sso:sign-in')}?next=/groups/", {"email": "alice@acme.example"}
    )
    callback = provider_sign_in(started["Location"], "alice@acme.example")
    parts = urlsplit(callback)
    response = client.get(f"{parts.path}?{parts.query}")

    assert response.status_code == 302
    assert response["Location"] == "/groups/"


def test_a_next_address_on_another_site_is_ignored(client, acme):
    started = client.post(
        f"{reverse('sso:sign-in')}?next=https://evil.example/", {"email": "alice@acme.example"}
    )
    callback = provider_sign_in(started["Location"], "alice@acme.example")
    parts = urlsplit(callback)
    response = client.get(f"{parts.path}?{parts.query}")

    assert response.status_code == 302
    assert "evil.example" not in response["Location"]
