"""Sign-in and two-factor pages in the visitor's language: allauth's own strings from allauth's
catalogs, the portal's overrides from its own."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from tests.portal.mfa_helpers import confirm_password

pytestmark = pytest.mark.django_db


def test_the_sign_in_page_speaks_german_both_allauths_strings_and_the_portals(client):
    page = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="de").content.decode()

    assert "Anmelden" in page  # allauth's own catalog
    assert "Mit dem Identitätsanbieter Ihres Unternehmens anmelden" in page  # the portal's


def test_setting_up_an_authenticator_app_in_japanese(client):
    client.force_login(UserFactory(language="ja"))
    confirm_password(client)

    page = client.get(reverse("mfa_activate_totp")).content.decode()

    assert "<h1>認証アプリの設定</h1>" in page
    assert "設定キー：" in page
    assert "Set up an authenticator app" not in page


def test_the_signup_form_labels_in_french(client):
    page = client.get(reverse("account_signup"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert "Comment les autres membres vous voient, par exemple « Ada Lovelace »." in page
