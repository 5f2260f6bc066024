"""Program staff sign in, are held at two-factor enrolment, set up an authenticator app with a
code computed from the key on the page, keep their recovery codes, and reach their dashboard.
A security key is added too, with chromium's virtual authenticator, under the site's CSP."""

import re
import time

import pyotp
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from portal.models import MfaAuditEntry
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def staff_member():
    return UserFactory(
        email="sam@vendor.example", display_name="Sam Staff", is_staff=True, mfa_enrolled=False
    )


def _csp_violations(page) -> list[str]:
    """Collects what the browser refused under the Content-Security-Policy."""
    refused: list[str] = []
    page.on(
        "console",
        lambda message: "Content Security Policy" in message.text and refused.append(message.text),
    )
    return refused


def _assert_accessible(page) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def _sign_in(page, base_url: str) -> None:
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Email").fill("sam@vendor.example")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign In").click()


def _confirm_password(page) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm Access")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Confirm").click()


def test_staff_enrol_with_an_authenticator_app_before_reaching_the_portal(
    page, live_server, staff_member
):
    refused = _csp_violations(page)
    _sign_in(page, live_server.url)

    # Held at enrolment, whatever they ask for.
    expect(page).to_have_url(re.compile(r"/accounts/2fa/$"))
    expect(page.get_by_text("requires two-factor authentication")).to_be_visible()
    page.goto(live_server.url + "/moderation/")
    expect(page).to_have_url(re.compile(r"/accounts/2fa/$"))
    _assert_accessible(page)

    page.get_by_role("link", name="Activate").click()
    _confirm_password(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up an authenticator app")
    _assert_accessible(page)
    secret = page.locator("#totp-secret").inner_text()
    page.get_by_label("Authenticator code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Activate").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Recovery codes")
    codes = page.get_by_label("Your recovery codes").input_value().split()
    assert len(codes) == 10
    _assert_accessible(page)
    page.get_by_label("I have saved my recovery codes").check()
    page.get_by_role("link", name="Continue to the portal").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Sam")
    page.goto(live_server.url + "/admin/")
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    assert MfaAuditEntry.objects.filter(user=staff_member).count() == 2

    # The next sign-in asks for a code after the password.
    page.goto(live_server.url + "/")
    page.get_by_role("button", name="Sign out").click()
    _sign_in(page, live_server.url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-Factor Authentication")
    _assert_accessible(page)
    page.get_by_label("Code").fill(pyotp.TOTP(secret).at(time.time() + 30))
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sam")
    assert refused == []


def test_a_security_key_is_added_with_allauths_script_under_the_csp(
    page, live_server, staff_member, settings
):
    settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True  # http://localhost in the test
    refused = _csp_violations(page)
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    _sign_in(page, live_server.url)

    page.get_by_role("link", name="Add").click()
    _confirm_password(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Add Security Key")
    _assert_accessible(page)
    page.get_by_role("button", name="Add").click()

    expect(page.get_by_text("Security key added.")).to_be_visible()
    page.goto(live_server.url + "/directory/")
    expect(page).to_have_url(re.compile(r"/directory/$"))
    assert refused == []
    audited = MfaAuditEntry.objects.filter(user=staff_member, action=MfaAuditEntry.Action.ADDED)
    assert set(audited.values_list("authenticator_type", flat=True)) == {
        "webauthn",
        "recovery_codes",
    }
