"""A newcomer in a real browser: sign up, confirm by email (which signs in), see the dashboard."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_newcomer_signs_up_confirms_and_reaches_the_dashboard(page, live_server, mailoutbox):
    page.goto(live_server.url)
    page.get_by_role("link", name="Join the community").click()
    page.get_by_label("Email").fill("newcomer@example.com")
    page.get_by_label("Display name").fill("Ada Newcomer")
    page.get_by_label("Password:", exact=True).fill("a-long-pass-phrase")
    page.get_by_label("Password (again)").fill("a-long-pass-phrase")
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Verify Your Email Address")

    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mailoutbox[-1].body).group(0)
    page.goto(live_server.url + "/accounts" + link.split("/accounts", 1)[1])
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome, Ada Newcomer")
    page.get_by_role("button", name="Done: take me to my dashboard").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Welcome to the Partner Portal, Ada Newcomer"
    )


def test_landing_page_has_one_h1_landmarks_labels_and_no_axe_violations(page, live_server):
    page.goto(live_server.url)

    expect(page.locator("h1")).to_have_count(1)
    for landmark in ("banner", "navigation", "main", "contentinfo"):
        expect(page.get_by_role(landmark).first).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_login_page_fields_are_labelled_and_pass_axe(page, live_server):
    page.goto(live_server.url + "/accounts/login/")

    expect(page.get_by_label("Email")).to_be_visible()
    expect(page.get_by_label("Password")).to_be_visible()
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
