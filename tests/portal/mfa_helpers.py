"""Signing in through allauth's real login and second-factor steps, with codes made here."""

import time

import pyotp
from django.test import Client
from django.urls import reverse

from portal.models import User
from tests.factories import TEST_PASSWORD

PERIOD = 30


def totp_code(secret: str, *, steps: int = 0) -> str:
    """The code an authenticator app shows for ``secret`` now (or ``steps`` periods away)."""
    return pyotp.TOTP(secret).at(time.time() + steps * PERIOD)


def wrong_code(secret: str) -> str:
    """A six-digit code that is not valid now, nor one step before or after."""
    valid = {totp_code(secret, steps=step) for step in (-1, 0, 1)}
    return next(f"{n:06d}" for n in range(1_000_000) if f"{n:06d}" not in valid)


def sign_in_with_password(client: Client, user: User):
    return client.post(reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD})


def confirm_password(client: Client):
    """Answer allauth's "confirm your password" step, which changing two-factor settings asks."""
    response = client.post(reverse("account_reauthenticate"), {"password": TEST_PASSWORD})
    assert response.status_code == 302, response.text
    return response


def enter_code(client: Client, code: str):
    return client.post(reverse("mfa_authenticate"), {"code": code})


def signed_in_user_id(client: Client) -> int | None:
    value = client.session.get("_auth_user_id")
    return int(value) if value else None
