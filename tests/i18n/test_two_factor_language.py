"""Two-factor authentication in the member's language: the security emails sent when an
authenticator is added or removed, and the pages that start adding a passkey."""

import json
import re

import pytest
from django.urls import reverse

from tests.factories import UserFactory, mfa_add_security_key
from tests.portal.mfa_helpers import confirm_password, sign_in_with_password, totp_code

# Real commits: allauth emails after commit, inside the request.
pytestmark = pytest.mark.django_db(transaction=True)


def _activate_totp(client) -> None:
    page = client.get(reverse("mfa_activate_totp")).text
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page).group(1)
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302, response.text


def test_setting_up_an_app_is_emailed_in_the_members_language(client, mailoutbox):
    member = UserFactory(language="de", display_name="Anna")
    sign_in_with_password(client, member)
    confirm_password(client)

    _activate_totp(client)

    (message,) = mailoutbox
    assert message.subject == "[Partner Portal] Authenticator-App aktiviert"
    assert "Authenticator App Activated" not in message.body


def test_removing_a_security_key_is_emailed_in_the_members_language(client, mailoutbox):
    member = UserFactory(language="ja")
    key = mfa_add_security_key(member, name="YubiKey")
    client.force_login(member)
    confirm_password(client)

    client.post(reverse("mfa_remove_webauthn", args=[key.pk]), HTTP_ACCEPT_LANGUAGE="en")

    (message,) = mailoutbox
    assert message.subject == "[Partner Portal] セキュリティキーを削除しました"


def test_a_member_starts_adding_a_passkey_from_the_profile(client):
    member = UserFactory(language="fr", display_name="Chloé")
    sign_in_with_password(client, member)
    confirm_password(client)

    profile = client.get(reverse("profile")).text
    assert f'href="{reverse("mfa_index")}"' in profile
    overview = client.get(reverse("mfa_index")).text
    assert f'href="{reverse("mfa_add_webauthn")}"' in overview

    response = client.get(reverse("mfa_add_webauthn"))

    assert response.status_code == 200
    assert "Ajouter une clé de sécurité" in response.text
    data = re.search(r'<script id="js_data" type="application/json">(.*?)</script>', response.text)
    options = json.loads(data.group(1))["creation_options"]["publicKey"]
    assert options["rp"]["id"] == "testserver"
    assert options["user"]["name"] == member.email
    assert len(options["challenge"]) >= 16
    assert {"alg": -7, "type": "public-key"} in options["pubKeyCredParams"]
