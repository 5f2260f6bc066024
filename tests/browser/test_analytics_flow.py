"""Program staff read /analytics/, approve a deal registration, and see the chart change; a
partner reads its own scorecard. Both pages pass an axe accessibility check."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from analytics import services as analytics_services
from analytics.rollup import deal_rollup_refresh
from deals import services
from directory.models import CompanyMembership
from portal.models import User
from tests.browser.signing_in import sign_in
from tests.collaboration.factories import person_of
from tests.directory.factories import CompanyFactory, CompetencyFactory
from tests.factories import UserFactory, mfa_enrol

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(browser, base_url, email):
    page = browser.new_context().new_page()
    page.set_default_timeout(10_000)
    sign_in(page, base_url, email)
    expect(page).not_to_have_url(re.compile(r"/accounts/(login|2fa)/"))
    return page


@pytest.fixture
def pending_registration():
    competency = CompetencyFactory(name="Cloud Migration", slug="cloud-migration")
    company = CompanyFactory(name="Northwind Cloud")
    person = person_of(company, email="ada@northwind.example")
    UserFactory(email="staff@vendor.example", is_staff=True, display_name="Program Staff")
    registration = services.deal_create(
        company=company,
        created_by=person,
        customer_name="Acme Inc",
        customer_domain="acme.co.uk",
        country="GB",
        competencies=[competency],
        value=150000,
        currency="USD",
    )
    registration = services.deal_submit(registration=registration, actor=person)
    deal_rollup_refresh()  # as the beat task would have done
    return registration


def test_staff_approve_a_deal_and_see_the_chart_change(browser, live_server, pending_registration):
    staff = _sign_in(browser, live_server.url, "staff@vendor.example")
    staff.get_by_role("navigation", name="Main").get_by_role("link", name="Analytics").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Program analytics")
    funnel = staff.get_by_role("img", name="Funnel for the whole range (counts)")
    expect(funnel).to_be_visible()
    expect(staff.locator("#funnel-chart-desc")).to_contain_text(
        "Deal registrations: 1; Approved: 0"
    )
    expect(staff.get_by_text("Deal registration figures are as of")).to_be_visible()
    results = Axe().run(staff)
    assert results.violations_count == 0, results.generate_report()

    staff.goto(live_server.url + "/deals/review/")
    staff.get_by_label("Northwind Cloud").check()
    staff.get_by_label("Decision").select_option("approve")
    staff.get_by_role("button", name="Apply decision").click()
    expect(staff.get_by_text("1 registration approved.")).to_be_visible()

    # The approval rebuilt today's rollup rows when it was saved: no refresh needed.
    staff.goto(live_server.url + "/analytics/")
    expect(staff.get_by_role("button", name="Bring deal figures up to date now")).to_be_visible()
    expect(staff.locator("#funnel-chart-desc")).to_contain_text(
        "Deal registrations: 1; Approved: 1"
    )
    expect(staff.locator('[data-figure="approved"]')).to_have_text("1")


def test_a_partner_reads_its_scorecard(browser, live_server, pending_registration):
    CompanyMembership.objects.filter(user__email="ada@northwind.example").update(
        role=CompanyMembership.Role.ADMIN
    )
    # A company admin must use two-factor authentication; Ada has set hers up.
    mfa_enrol(User.objects.get(email="ada@northwind.example"))
    analytics_services.scorecards_compute()
    partner = _sign_in(browser, live_server.url, "ada@northwind.example")
    partner.get_by_role("navigation", name="Main").get_by_role("link", name="Scorecard").click()
    expect(partner.get_by_role("heading", level=1)).to_have_text("Scorecard of Northwind Cloud")
    expect(partner.get_by_role("table", name="What the company did and the points it earns"))
    expect(partner.get_by_text("more points to reach Certified")).to_be_visible()
    results = Axe().run(partner)
    assert results.violations_count == 0, results.generate_report()
