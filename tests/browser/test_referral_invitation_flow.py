"""A company receives a redacted referral invitation, accepts it, and only then sees the
customer's name and contact."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.signing_in import sign_in
from tests.collaboration.factories import CollaborationFactory, ReferralFactory, person_of
from tests.directory.factories import CompanyFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(browser, base_url, email):
    page = browser.new_context().new_page()
    page.set_default_timeout(10_000)
    sign_in(page, base_url, email)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    return page


@pytest.fixture
def invitation():
    receiving = CompanyFactory(name="Northwind Cloud")
    person_of(receiving, admin=True, email="ada@northwind.example", display_name="Ada")
    referring = CompanyFactory(name="Contoso Data")
    collaboration = CollaborationFactory(
        request__company=receiving, requesting_company=receiving, responding_company=referring
    )
    return ReferralFactory(
        collaboration=collaboration,
        title="Globex Retail GmbH: warehouse move",
        use_case="Move a retailer's reporting warehouse to the cloud",
        customer_name="Globex Retail GmbH",
        customer_contact_email="hank@globex.example",
    )


def test_receiver_sees_the_redacted_invitation_accepts_and_then_sees_the_customer(
    browser, live_server, invitation
):
    page = _sign_in(browser, live_server.url, "ada@northwind.example")
    page.goto(live_server.url + "/collaborate/")
    referrals = page.get_by_role("region", name="Referrals, table")
    expect(referrals).to_contain_text("50,000 – 250,000 EUR")
    expect(referrals).not_to_contain_text("Globex")
    referrals.get_by_role("link", name="Move a retailer's reporting warehouse to the cloud").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Move a retailer's reporting warehouse to the cloud"
    )
    expect(page.get_by_text("Shown once Northwind Cloud accepts the referral.")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("Globex")
    expect(page.locator("main")).not_to_contain_text("hank@globex.example")
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()

    page.get_by_role("button", name="Decline").click()
    expect(page.get_by_text("Say why you decline")).to_be_visible()
    page.get_by_role("button", name="Accept and see the customer").click()

    expect(page.get_by_text("Referral accepted.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Globex Retail GmbH: warehouse move")
    expect(page.locator("main")).to_contain_text("hank@globex.example")
    expect(page.locator("main")).to_contain_text("€50,000.00")
