"""The vendor's own program staff sign in through the vendor's identity provider (settings):
only addresses on the staff email domain, which become staff accounts."""

import pytest
from django.urls import reverse

from directory.models import CompanyMembership
from portal.models import User
from sso.selectors import STAFF_PROVIDER_ID
from tests.factories import UserFactory
from tests.sso.conftest import authorize_query
from tests.sso.test_sign_in_flow import sign_in_through_provider

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_idp(settings, oidc_provider):
    settings.STAFF_OIDC_ISSUER = oidc_provider.issuer
    settings.STAFF_OIDC_CLIENT_ID = oidc_provider.client_id
    settings.STAFF_OIDC_CLIENT_SECRET = oidc_provider.client_secret
    settings.STAFF_OIDC_EMAIL_DOMAIN = "vendor.example"
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": [
                {
                    "provider_id": STAFF_PROVIDER_ID,
                    "name": "Program staff sign-in",
                    "client_id": oidc_provider.client_id,
                    "secret": oidc_provider.client_secret,
                    "settings": {"server_url": oidc_provider.issuer, "oauth_pkce_enabled": True},
                }
            ]
        }
    }
    return oidc_provider


def test_the_staff_domain_is_sent_to_the_vendor_provider(client, staff_idp):
    response = client.post(reverse("sso:sign-in"), {"email": "dana@vendor.example"})

    assert response.status_code == 302
    query = authorize_query(response["Location"])
    assert STAFF_PROVIDER_ID in query["redirect_uri"]
    assert query["code_challenge_method"] == "S256"


def test_a_person_on_the_staff_domain_becomes_program_staff(client, staff_idp):
    response = sign_in_through_provider(client, "dana@vendor.example")

    assert response.status_code == 302
    dana = User.objects.get(email="dana@vendor.example")
    assert dana.is_staff
    assert not dana.is_superuser
    assert client.session["_auth_user_id"] == str(dana.pk)
    assert not CompanyMembership.objects.filter(user=dana).exists()


def test_an_existing_account_on_the_staff_domain_is_matched_and_made_staff(client, staff_idp):
    existing = UserFactory(email="dana@vendor.example")

    sign_in_through_provider(client, "dana@vendor.example")

    existing.refresh_from_db()
    assert existing.is_staff
    assert client.session["_auth_user_id"] == str(existing.pk)


def test_someone_off_the_staff_domain_never_becomes_staff(client, staff_idp):
    response = sign_in_through_provider(client, "dana@vendor.example", as_email="bob@other.example")

    assert response.status_code == 403
    assert not User.objects.filter(email="bob@other.example").exists()
    assert not User.objects.filter(is_staff=True).exists()


def test_without_the_settings_there_is_no_staff_provider(client, oidc_provider):
    response = client.post(reverse("sso:sign-in"), {"email": "dana@vendor.example"})

    assert response.status_code == 400
