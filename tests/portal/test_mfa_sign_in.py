"""Signing in with a second factor: authenticator codes, rate limits and recovery codes."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory, mfa_secret
from tests.portal.mfa_helpers import (
    enter_code,
    sign_in_with_password,
    signed_in_user_id,
    totp_code,
    wrong_code,
)

pytestmark = pytest.mark.django_db

INCORRECT_CODE = "Incorrect code."
TOO_MANY_ATTEMPTS = "Too many failed login attempts. Try again later."


@pytest.fixture
def enrolled(db):
    """Program staff with an authenticator app (the factory enrols staff)."""
    return UserFactory(is_staff=True)


def test_the_password_alone_does_not_sign_in_an_enrolled_account(client, enrolled):
    response = sign_in_with_password(client, enrolled)

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert signed_in_user_id(client) is None


def test_the_code_from_the_authenticator_app_completes_the_sign_in(client, enrolled):
    sign_in_with_password(client, enrolled)

    response = enter_code(client, totp_code(mfa_secret(enrolled)))

    assert response.status_code == 302
    assert signed_in_user_id(client) == enrolled.pk
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_wrong_code_is_refused(client, enrolled):
    sign_in_with_password(client, enrolled)

    response = enter_code(client, wrong_code(mfa_secret(enrolled)))

    assert response.status_code == 200
    assert INCORRECT_CODE in response.text
    assert signed_in_user_id(client) is None


def test_a_code_is_accepted_only_once(client, enrolled):
    code = totp_code(mfa_secret(enrolled))
    sign_in_with_password(client, enrolled)
    enter_code(client, code)
    client.post(reverse("account_logout"))

    sign_in_with_password(client, enrolled)
    response = enter_code(client, code)

    assert INCORRECT_CODE in response.text
    assert signed_in_user_id(client) is None


def test_after_five_wrong_codes_even_the_right_one_is_refused(client, enrolled):
    secret = mfa_secret(enrolled)
    sign_in_with_password(client, enrolled)
    for _ in range(5):
        assert INCORRECT_CODE in enter_code(client, wrong_code(secret)).text

    response = enter_code(client, totp_code(secret))

    assert TOO_MANY_ATTEMPTS in response.text
    assert signed_in_user_id(client) is None


def test_the_code_limit_counts_per_account_not_per_browser(client, enrolled):
    secret = mfa_secret(enrolled)
    for _ in range(5):
        other_browser = Client()
        sign_in_with_password(other_browser, enrolled)
        enter_code(other_browser, wrong_code(secret))

    sign_in_with_password(client, enrolled)
    response = enter_code(client, totp_code(secret))

    assert TOO_MANY_ATTEMPTS in response.text


def test_a_recovery_code_signs_in_once(client, enrolled):
    codes = RecoveryCodes.activate(enrolled).generate_codes()
    sign_in_with_password(client, enrolled)

    enter_code(client, codes[0])

    assert signed_in_user_id(client) == enrolled.pk
    client.post(reverse("account_logout"))
    sign_in_with_password(client, enrolled)
    response = enter_code(client, codes[0])
    assert INCORRECT_CODE in response.text
    assert signed_in_user_id(client) is None
    enter_code(client, codes[1])
    assert signed_in_user_id(client) == enrolled.pk


def test_recovery_codes_left_are_counted_after_one_is_used(client, enrolled):
    codes = RecoveryCodes.activate(enrolled).generate_codes()
    sign_in_with_password(client, enrolled)
    enter_code(client, codes[3])

    authenticator = Authenticator.objects.get(user=enrolled, type=Authenticator.Type.RECOVERY_CODES)
    assert len(authenticator.wrap().get_unused_codes()) == len(codes) - 1


def test_a_member_without_two_factor_signs_in_with_the_password(client, member):
    response = sign_in_with_password(client, member)

    assert response.status_code == 302
    assert signed_in_user_id(client) == member.pk
