"""From the landing page to a first post, counted in page loads (issue 11: at most six)."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from directory.models import ClaimedDomain, CompanyMembership
from groups.models import Group, GroupMembership, Thread
from tests.directory.factories import CompanyCompetencyFactory, CompanyFactory, CompetencyFactory
from tests.groups.factories import GroupFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAX_PAGE_LOADS = 6


@pytest.fixture
def contoso():
    company = CompanyFactory(name="Contoso Cloud", hq_country="SE")
    ClaimedDomain.objects.create(company=company, domain="contoso.example")
    CompanyCompetencyFactory(company=company, competency=CompetencyFactory(name="Kubernetes"))
    platform = GroupFactory(
        name="Platform engineering", moderation_policy=Group.ModerationPolicy.PREMODERATE_NEW
    )
    platform.tags.set(["kubernetes"])
    data = GroupFactory(name="Data practice", join_policy=Group.JoinPolicy.REQUEST)
    data.tags.set(["kubernetes", "data"])
    GroupFactory(name="Partner marketing", member_count=40)
    return company


def _assert_accessible(page) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_a_newcomer_posts_a_first_question_within_six_page_loads(
    page, live_server, mailoutbox, contoso
):
    loads: list[str] = []
    page.on("framenavigated", lambda frame: frame == page.main_frame and loads.append(frame.url))

    page.goto(live_server.url)  # 1 landing
    page.get_by_role("link", name="Join the community").click()  # 2 signup
    page.get_by_label("Email").fill("ada@contoso.example")
    page.get_by_label("Display name").fill("Ada Newcomer")
    page.get_by_label("Password:", exact=True).fill("a-long-pass-phrase")
    page.get_by_label("Password (again)").fill("a-long-pass-phrase")
    page.get_by_role("button", name="Sign Up").click()  # 3 check your email
    expect(page.get_by_role("heading", level=1)).to_have_text("Verify Your Email Address")

    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mailoutbox[-1].body).group(0)
    page.goto(live_server.url + "/accounts" + link.split("/accounts", 1)[1])  # 4 onboarding
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome, Ada Newcomer")
    expect(page.get_by_text("Contoso Cloud")).to_be_visible()
    expect(page.get_by_label(re.compile("Platform engineering"))).to_be_checked()
    expect(page.get_by_label(re.compile("Data practice"))).to_be_checked()
    _assert_accessible(page)
    page.get_by_role("button", name="Done: take me to my dashboard").click()  # 5 dashboard

    expect(page.get_by_role("heading", name=re.compile("Getting started"))).to_be_visible()
    _assert_accessible(page)
    page.get_by_label("Post in group").select_option(label="Platform engineering")
    page.get_by_label("Your question").fill("How do you size a Kubernetes landing zone?")
    page.get_by_label("Details").fill("Customers ask us for a fixed price. How do you scope it?")
    page.get_by_role("button", name="Post question").click()  # 6 the thread

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "How do you size a Kubernetes landing zone?"
    )
    expect(page.get_by_text("Your question is saved")).to_be_visible()
    assert len(loads) <= MAX_PAGE_LOADS, loads
    thread = Thread.objects.get()
    assert thread.author.email == "ada@contoso.example"
    assert CompanyMembership.objects.get(user=thread.author).company == contoso
    assert dict(
        GroupMembership.objects.filter(user=thread.author).values_list("group__name", "status")
    ) == {
        "Platform engineering": "active",
        "Data practice": "requested",
        "Partner marketing": "active",  # the busiest other group makes up the three
    }
    print(f"\npage loads from the landing page to a first post: {len(loads)}")


def test_the_onboarding_form_works_from_the_keyboard(page, live_server, contoso):
    from tests.factories import TEST_PASSWORD, UserFactory

    UserFactory(email="kim@elsewhere.example", display_name="Kim")
    page.goto(live_server.url + "/accounts/login/?next=/welcome/")
    page.get_by_label("Email").fill("kim@elsewhere.example")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign In").click()

    page.get_by_label("Company name").first.focus()
    page.keyboard.type("Contoso")
    page.keyboard.press("Enter")
    option = page.get_by_role("radio", name=re.compile("Contoso Cloud"))
    option.focus()
    page.keyboard.press("Space")
    expect(option).to_be_checked()
    _assert_accessible(page)
