"""A domain whose company switched password sign-in off: the sign-in, reset and signup forms
say to use the company's identity provider instead of failing."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from sso.forms import SIGNUP_OFF, SSO_ONLY_RESET, SSO_ONLY_SIGN_IN
from tests.factories import TEST_PASSWORD, UserFactory
from tests.sso.conftest import connect_company

pytestmark = pytest.mark.django_db


@pytest.fixture
def sso_only():
    connection = connect_company(issuer="https://login.acme.example")
    connection.password_sign_in = False
    connection.save()
    return connection


def test_password_sign_in_is_refused_for_an_sso_only_domain_with_a_clear_message(client, sso_only):
    user = UserFactory(email="carol@acme.example")

    response = client.post(
        reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD}
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert escape(SSO_ONLY_SIGN_IN) in page
    assert reverse("sso:sign-in") in page
    assert "_auth_user_id" not in client.session


def test_password_sign_in_still_works_while_the_company_keeps_it_on(client):
    connect_company(issuer="https://login.acme.example")
    user = UserFactory(email="carol@acme.example")

    response = client.post(
        reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD}
    )

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_other_domains_sign_in_with_their_password(client, sso_only):
    user = UserFactory(email="someone@elsewhere.example")

    response = client.post(
        reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD}
    )

    assert response.status_code == 302


def test_password_reset_is_refused_for_an_sso_only_domain(client, sso_only, mailoutbox):
    UserFactory(email="carol@acme.example")

    response = client.post(reverse("account_reset_password"), {"email": "carol@acme.example"})

    assert response.status_code == 200
    assert escape(SSO_ONLY_RESET) in response.content.decode()
    assert mailoutbox == []


def test_signup_with_a_password_is_refused_for_an_sso_only_domain(client, sso_only):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "new@acme.example",
            "display_name": "New Person",
            "password1": TEST_PASSWORD,
            "password2": TEST_PASSWORD,
        },
    )

    assert response.status_code == 200
    assert escape(SIGNUP_OFF) in response.content.decode()


def test_the_sign_in_page_offers_the_company_identity_provider(client):
    page = client.get(reverse("account_login")).content.decode()

    assert "Sign in with your company's identity provider" in page
    assert reverse("sso:sign-in") in page
