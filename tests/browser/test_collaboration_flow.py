"""A partner answers a find-a-partner request privately; only the two companies can read it."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from collaboration.models import Collaboration
from tests.browser.signing_in import sign_in
from tests.collaboration.factories import FindPartnerRequestFactory, person_of
from tests.directory.factories import CompanyFactory
from tests.groups.factories import GroupFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(browser, base_url, email):
    page = browser.new_context().new_page()
    page.set_default_timeout(10_000)
    sign_in(page, base_url, email)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    return page


@pytest.fixture
def partner_request():
    asking = CompanyFactory(name="Northwind Cloud", slug="northwind")
    asker = person_of(asking, admin=True, email="ada@northwind.example", display_name="Ada Asker")
    person_of(CompanyFactory(name="Contoso Data"), email="carl@contoso.example")
    person_of(CompanyFactory(name="Fabrikam Systems"), email="fay@fabrikam.example")
    return FindPartnerRequestFactory(
        company=asking,
        thread__group=GroupFactory(name="Data platforms", slug="data-platforms"),
        thread__author=asker,
        thread__title="Looking for a Databricks partner in France",
    )


def test_partner_responds_privately_the_asker_reads_it_and_a_third_company_cannot(
    browser, live_server, partner_request
):
    responder = _sign_in(browser, live_server.url, "carl@contoso.example")
    responder.goto(live_server.url + "/collaborate/")
    responder.get_by_role("link", name="Looking for a Databricks partner in France").first.click()
    expect(responder.get_by_role("heading", level=1)).to_have_text(
        "Looking for a Databricks partner in France"
    )
    responder.get_by_role("link", name="Respond privately").click()
    responder.get_by_label("Your message").fill("We ran **four** Databricks rollouts in Lyon.")
    responder.get_by_role("button", name="Send privately").click()

    expect(responder.get_by_role("heading", level=1)).to_have_text(
        "Looking for a Databricks partner in France"
    )
    expect(responder.get_by_text("Your answer is sent privately")).to_be_visible()
    responder.get_by_label("Your message").fill("We could start in **March**.")
    responder.get_by_role("button", name="Post message").click()
    expect(responder.get_by_text("Message posted.")).to_be_visible()
    expect(responder.locator(".collab-message strong", has_text="March")).to_be_visible()
    results = Axe().run(responder)
    assert results.violations_count == 0, results.generate_report()
    conversation_url = responder.url
    collaboration = Collaboration.objects.get()
    assert collaboration.responding_company.name == "Contoso Data"
    assert conversation_url.endswith(f"/collaborate/c/{collaboration.pk}/")

    asker = _sign_in(browser, live_server.url, "ada@northwind.example")
    asker.goto(live_server.url + "/collaborate/")
    conversations = asker.get_by_role("region", name="Your private conversations")
    expect(conversations).to_contain_text("Northwind Cloud & Contoso Data, 2 messages")
    conversations.get_by_role("link", name="Looking for a Databricks partner in France").click()
    assert asker.url == conversation_url
    messages = asker.locator(".collab-message")
    expect(messages).to_have_count(2)
    expect(messages.nth(0)).to_contain_text("four Databricks rollouts in Lyon")
    expect(messages.nth(1)).to_contain_text("We could start in March.")

    outsider = _sign_in(browser, live_server.url, "fay@fabrikam.example")
    response = outsider.goto(conversation_url)
    assert response.status == 404
    expect(outsider.get_by_text("rollouts in Lyon")).to_have_count(0)
