"""A partner registers a deal another company already registered; staff see both side by side
and approve one."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from deals import services
from deals.models import DealRegistration, DealStatus
from tests.browser.signing_in import sign_in
from tests.collaboration.factories import person_of
from tests.directory.factories import CompanyFactory, CompetencyFactory
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(browser, base_url, email):
    page = browser.new_context().new_page()
    page.set_default_timeout(10_000)
    sign_in(page, base_url, email)
    expect(page).not_to_have_url(re.compile(r"/accounts/(login|2fa)/"))
    return page


@pytest.fixture
def rival_registration():
    competency = CompetencyFactory(name="Cloud Migration", slug="cloud-migration")
    rival = CompanyFactory(name="Contoso Data")
    rival_person = person_of(rival, email="carl@contoso.example")
    person_of(CompanyFactory(name="Northwind Cloud"), email="ada@northwind.example")
    UserFactory(email="staff@vendor.example", is_staff=True, display_name="Program Staff")
    registration = services.deal_create(
        company=rival,
        created_by=rival_person,
        customer_name="Acme Inc",
        customer_domain="acme.co.uk",
        country="GB",
        competencies=[competency],
        value=90000,
        currency="GBP",
    )
    return services.deal_submit(registration=registration, actor=rival_person)


def test_register_a_deal_see_the_conflict_as_staff_and_approve_one(
    browser, live_server, rival_registration
):
    partner = _sign_in(browser, live_server.url, "ada@northwind.example")
    partner.get_by_role("navigation", name="Main").get_by_role("link", name="Deals").click()
    expect(partner.get_by_role("heading", level=1)).to_have_text("Deal registrations")
    partner.get_by_role("link", name="Register a deal").click()
    partner.get_by_label("Customer name").fill("ACME, Inc.")
    partner.get_by_label("Customer web domain").fill("https://sales.acme.co.uk/")
    partner.get_by_label("Country").select_option(label="United Kingdom")
    partner.get_by_label("Products and competencies").select_option(label="Cloud Migration")
    partner.get_by_label("Value").fill("150000")
    partner.get_by_label("Currency").select_option("GBP")
    results = Axe().run(partner)
    assert results.violations_count == 0, results.generate_report()
    partner.get_by_role("button", name="Save draft").click()
    expect(partner.get_by_text("Draft saved.")).to_be_visible()
    expect(partner.get_by_text("(counts as acme.co.uk)")).to_be_visible()
    partner.get_by_role("button", name="Submit to the program team").click()
    expect(partner.get_by_text("Submitted to the program team.")).to_be_visible()
    expect(partner.get_by_text(services.CONFLICT_NOTICE).first).to_be_visible()
    expect(partner.locator("main")).not_to_contain_text("Contoso")

    staff = _sign_in(browser, live_server.url, "staff@vendor.example")
    staff.goto(live_server.url + "/deals/review/")
    conflict = staff.get_by_role("region", name=re.compile("^Conflict"))
    expect(conflict).to_contain_text("Conflict: 2 registrations for the same customer")
    expect(conflict.locator(".deal-card")).to_have_count(2)
    expect(conflict.locator(".deal-card").nth(0)).to_contain_text("Contoso Data")
    expect(conflict.locator(".deal-card").nth(1)).to_contain_text("Northwind Cloud")
    results = Axe().run(staff)
    assert results.violations_count == 0, results.generate_report()
    staff.get_by_label("Northwind Cloud").check()
    staff.get_by_label("Decision").select_option("approve")
    staff.get_by_role("button", name="Apply decision").click()
    expect(staff.get_by_text("1 registration approved.")).to_be_visible()

    ours = DealRegistration.objects.get(company__name="Northwind Cloud")
    assert ours.status == DealStatus.APPROVED
    rival_registration.refresh_from_db()
    assert rival_registration.status == DealStatus.SUBMITTED
    partner.reload()
    expect(partner.get_by_text("Approved", exact=True)).to_be_visible()
    expect(partner.get_by_text("Protected until")).to_be_visible()
    results = Axe().run(partner)
    assert results.violations_count == 0, results.generate_report()
    partner.get_by_role("link", name="Deal registrations").first.click()
    expect(partner.get_by_role("table")).to_contain_text("ACME, Inc.")
    results = Axe().run(partner)
    assert results.violations_count == 0, results.generate_report()
