"""Signing in through the real login form, and the second-factor step when the account has one
(program staff and company admins must): the code is computed from the account's TOTP secret,
as the person's authenticator app would."""

import pyotp
from playwright.sync_api import Page

from portal.models import User
from tests.factories import TEST_PASSWORD, mfa_secret

SECOND_FACTOR_PATH = "/accounts/2fa/authenticate/"


def sign_in(page: Page, base_url: str, email: str) -> None:
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_load_state()
    if page.url.endswith(SECOND_FACTOR_PATH):
        secret = mfa_secret(User.objects.get(email=email))
        page.get_by_label("Code").fill(pyotp.TOTP(secret).now())
        page.get_by_role("button", name="Sign In").click()
