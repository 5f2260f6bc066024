"""The landing page, the directory and a thread in German, French and Japanese: axe finds no
violation, and the longest translations (German) fit a 375 px phone without sideways scrolling."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from directory.facet_cache import facet_cache_invalidate
from directory.services.search_index import company_search_reindex
from tests.directory.factories import CompanyFactory
from tests.groups.factories import ReplyFactory, ThreadFactory

PHONE_WIDTH = 375
HEADINGS = {
    "de": ("Den passenden Partner finden.", "Partnerverzeichnis", "Antworten"),
    "fr": ("Trouvez le bon partenaire.", "Annuaire des partenaires", "réponses"),
    "ja": ("最適なパートナーを見つけ", "パートナーディレクトリ", "返信"),
}


@pytest.fixture
def world(db):
    companies = [
        CompanyFactory(name="株式会社サクラクラウド", slug="sakura-cloud"),
        CompanyFactory(name="Zuverlässigkeitsingenieurbüro GmbH", slug="zuverlaessig"),
    ]
    company_search_reindex(company_ids=[c.pk for c in companies])
    facet_cache_invalidate()
    thread = ThreadFactory()
    ReplyFactory(thread=thread)
    ReplyFactory(thread=thread)
    return {"thread": thread.get_absolute_url()}


@pytest.mark.parametrize("language", ["de", "fr", "ja"])
def test_pages_in_each_language_pass_axe_and_fit_a_phone(browser, live_server, world, language):
    context = browser.new_context(locale=language, extra_http_headers={"Accept-Language": language})
    page = context.new_page()
    landing, directory, replies = HEADINGS[language]
    for url, text in (("/", landing), ("/directory/", directory), (world["thread"], replies)):
        page.set_viewport_size({"width": 1280, "height": 800})
        response = page.goto(live_server.url + url)
        assert response.status == 200, url
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.locator("main")).to_contain_text(text)
        results = Axe().run(page)
        assert results.violations_count == 0, (url, results.generate_report())

        page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= PHONE_WIDTH, f"{url} in {language} is {scroll_width}px wide"
    context.close()
