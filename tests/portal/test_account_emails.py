"""Account emails carry the portal's name and public address, and no names it never shows."""

import re

import pytest
from django.urls import reverse

from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SITE_URL = "https://partners.example.com"
SIGNUP = {
    "email": "newbie123@example.com",
    "display_name": "Ada Newcomer",
    "password1": "a-long-pass-phrase",
    "password2": "a-long-pass-phrase",
}


@pytest.fixture(autouse=True)
def _public_address(settings):
    """A SITE_URL unlike the test client's host, so a link built from the request shows."""
    settings.SITE_URL = SITE_URL


def assert_branded(message, *, local_part: str) -> None:
    text = f"{message.subject}\n{message.body}"
    assert message.subject.startswith("[Partner Portal] ")
    assert "Partner Portal" in message.body
    assert f"{SITE_URL}/" in message.body
    for stock in ("127.0.0.1:8000", "Hello from", "testserver", "example.com!", "user "):
        assert stock not in text
    # The part before the @ is not a name the portal shows, so the email does not use it.
    assert local_part not in text.replace(f"{local_part}@example.com", "")


def link_in(message) -> str:
    return re.search(rf"{re.escape(SITE_URL)}(/accounts/\S+)", message.body).group(1)


def test_signup_confirmation_greets_by_display_name_and_links_to_the_site(client, mailoutbox):
    client.post(reverse("account_signup"), SIGNUP)

    (message,) = mailoutbox
    assert_branded(message, local_part="newbie123")
    assert message.subject == "[Partner Portal] Confirm your email address"
    assert message.body.startswith("Hello Ada Newcomer,")
    assert client.post(link_in(message)).status_code == 302  # the link confirms the address


def test_password_reset_links_to_the_site_and_names_no_username(client, mailoutbox):
    UserFactory(email="newbie123@example.com", display_name="Ada Newcomer")

    client.post(reverse("account_reset_password"), {"email": "newbie123@example.com"})

    (message,) = mailoutbox
    assert_branded(message, local_part="newbie123")
    assert message.subject == "[Partner Portal] Reset your password"
    assert message.body.startswith("Hello Ada Newcomer,")
    assert "/accounts/password/reset/key/" in link_in(message)
    assert client.get(link_in(message)).status_code == 302  # a valid key: on to the form


def test_reset_for_an_unknown_address_links_to_signup_on_the_site(client, mailoutbox):
    client.post(reverse("account_reset_password"), {"email": "ghost42@example.com"})

    (message,) = mailoutbox
    assert_branded(message, local_part="ghost42")
    assert message.subject == "[Partner Portal] No account with this address"
    assert f"{SITE_URL}/accounts/signup/" in message.body


def test_signup_with_a_taken_address_links_to_login_and_reset_on_the_site(client, mailoutbox):
    UserFactory(email="newbie123@example.com", display_name="")

    client.post(reverse("account_signup"), SIGNUP)

    (message,) = mailoutbox
    assert_branded(message, local_part="newbie123")
    assert message.subject == "[Partner Portal] You already have an account"
    assert f"{SITE_URL}/accounts/login/" in message.body
    assert f"{SITE_URL}/accounts/password/reset/" in message.body


def test_security_notification_is_branded_and_greets_by_display_name(client, mailoutbox, settings):
    settings.ACCOUNT_EMAIL_NOTIFICATIONS = True
    user = UserFactory(email="newbie123@example.com", display_name="Ada Newcomer")
    client.force_login(user)

    client.post(
        reverse("account_change_password"),
        {
            "oldpassword": TEST_PASSWORD,
            "password1": "a-new-pass-phrase",
            "password2": "a-new-pass-phrase",
        },
    )

    (message,) = mailoutbox
    assert_branded(message, local_part="newbie123")
    assert message.body.startswith("Hello Ada Newcomer,")
    assert "Your password has been changed." in message.body


def test_a_member_without_a_display_name_is_greeted_without_a_name(client, mailoutbox):
    UserFactory(email="newbie123@example.com", display_name="")

    client.post(reverse("account_reset_password"), {"email": "newbie123@example.com"})

    assert mailoutbox[0].body.startswith("Hello,\n")
