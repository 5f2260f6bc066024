"""Single sign-on pages and their refusals in the visitor's language."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_company_sign_in_page_in_german(client):
    page = client.get(reverse("sso:sign-in"), HTTP_ACCEPT_LANGUAGE="de").content.decode()

    assert "<h1>Mit dem Identitätsanbieter Ihres Unternehmens anmelden</h1>" in page
    assert "Geschäftliche E-Mail-Adresse" in page  # the form's label


def test_an_unconnected_domain_is_refused_in_japanese(client):
    response = client.post(
        reverse("sso:sign-in"), {"email": "ken@nowhere.example"}, HTTP_ACCEPT_LANGUAGE="ja"
    )

    page = response.content.decode()
    assert "nowhere.example に接続されたIDプロバイダーはありません。" in page
    assert "No identity provider is connected" not in page
