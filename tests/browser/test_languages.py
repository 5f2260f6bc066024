"""The landing page, the directory and a thread in German, French and Japanese: axe finds no
violation, and the longest translations (German) fit both a 360 px phone and a 1280 px laptop:
no sideways scrolling and no element reaching past the viewport. A full-page screenshot of
each is kept in var/screenshots/languages/ to look at."""

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from playwright.sync_api import expect

from directory.facet_cache import facet_cache_invalidate
from directory.services.search_index import company_search_reindex
from tests.directory.factories import CompanyFactory
from tests.groups.factories import ReplyFactory, ThreadFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (360, 1280)
SCREENSHOTS = Path(settings.VAR_DIR, "screenshots", "languages")
HEADINGS = {
    "de": ("Den passenden Partner finden.", "Partnerverzeichnis", "Antworten"),
    "fr": ("Trouvez le bon partenaire.", "Annuaire des partenaires", "réponses"),
    "ja": ("最適なパートナーを見つけ", "パートナーディレクトリ", "返信"),
}
# Elements whose right edge passes the viewport's (innermost ones, to name them on failure).
# Text scrolled inside an element that scrolls on purpose (overflow auto) is not counted.
WIDER_THAN_VIEWPORT = """() => {
  const width = document.documentElement.clientWidth;
  const past = (el) => el.getBoundingClientRect().right > width + 0.5;
  const scrolls = (el) => ["auto", "scroll", "hidden"].includes(getComputedStyle(el).overflowX);
  const inScroller = (el) => { for (let p = el.parentElement; p; p = p.parentElement) {
    if (p !== document.body && p !== document.documentElement && scrolls(p)) return true; }
    return false; };
  return [...document.body.querySelectorAll("*")]
    .filter((el) => el.getClientRects().length && past(el) && !inScroller(el))
    .filter((el) => ![...el.children].some(past))
    .slice(0, 8)
    .map((el) => `${el.tagName.toLowerCase()}.${el.className} (${Math.round(
      el.getBoundingClientRect().right)}px)`);
}"""


@pytest.fixture
def world(db):
    companies = [
        CompanyFactory(name="株式会社サクラクラウド", slug="sakura-cloud"),
        CompanyFactory(name="Zuverlässigkeitsingenieurbüro GmbH", slug="zuverlaessig"),
    ]
    company_search_reindex(company_ids=[c.pk for c in companies])
    facet_cache_invalidate()
    thread = ThreadFactory(title="Datenschutzgrundverordnungskonformitätsprüfung für Partner")
    ReplyFactory(thread=thread)
    ReplyFactory(thread=thread)
    return {"thread": thread.get_absolute_url()}


@pytest.mark.parametrize("language", ["de", "fr", "ja"])
def test_pages_in_each_language_pass_axe_and_fit_every_screen(
    browser, live_server, world, language
):
    context = browser.new_context(locale=language, extra_http_headers={"Accept-Language": language})
    page = context.new_page()
    page.set_default_timeout(10_000)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    landing, directory, replies = HEADINGS[language]
    pages = (("landing", "/", landing), ("directory", "/directory/", directory))
    for name, url, text in (*pages, ("thread", world["thread"], replies)):
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 800})
            response = page.goto(live_server.url + url)
            assert response.status == 200, url
            expect(page.locator("html")).to_have_attribute("lang", language)
            expect(page.locator("main")).to_contain_text(text)
            results = Axe().run(page)
            assert results.violations_count == 0, (url, width, results.generate_report())

            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            too_wide = page.evaluate(WIDER_THAN_VIEWPORT)
            assert scroll_width <= width and too_wide == [], (
                f"{url} in {language} at {width}px: {scroll_width}px wide; too wide: {too_wide}"
            )
            shot = SCREENSHOTS / f"{language}-{name}-{width}.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    context.close()
