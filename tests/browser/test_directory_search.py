"""A visitor in a real browser finds a partner: search, tick a facet, open the profile."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from directory.facet_cache import facet_cache_invalidate
from directory.models import Tier
from directory.services.search_index import company_search_reindex
from tests.directory.factories import CompanyCompetencyFactory, CompanyFactory, CompetencyFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def partners():
    azure = CompetencyFactory(name="Azure", slug="azure")
    security = CompetencyFactory(name="Security", slug="security")
    experts = CompanyFactory(name="Azure Experts", slug="azure-experts", tier=Tier.GOLD)
    CompanyCompetencyFactory(company=experts, competency=azure, verified=True)
    guards = CompanyFactory(name="Azure Guards", slug="azure-guards", hq_country="FR")
    CompanyCompetencyFactory(company=guards, competency=security, verified=True)
    CompanyFactory(name="Bluebird Cloud", description="Kubernetes.")
    company_search_reindex()
    facet_cache_invalidate()


def test_visitor_searches_filters_by_a_facet_and_opens_a_profile(page, live_server, partners):
    page.goto(live_server.url + "/directory/")
    page.get_by_label("Search partners").fill("azur")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_role("heading", level=2, name="1–2 of 2 partners")).to_be_visible()

    page.get_by_role("checkbox", name="Security 1").check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("heading", level=2, name="1–1 of 1 partner")).to_be_visible()
    expect(page).to_have_url(
        live_server.url + "/directory/?q=azur&sort=relevance&competency=security&tier="
    )

    page.get_by_role("link", name="Azure Guards").click()
    expect(page).to_have_url(live_server.url + "/directory/azure-guards/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Azure Guards")


def test_search_page_passes_axe_on_results_and_on_an_empty_page(page, live_server, partners):
    for query in ("", "?q=nothing-matches-this&tier=gold"):
        page.goto(live_server.url + "/directory/" + query)
        expect(page.locator("h1")).to_have_count(1)
        results = Axe().run(page)
        assert results.violations_count == 0, results.generate_report()
