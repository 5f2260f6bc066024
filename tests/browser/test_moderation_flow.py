"""A new member posts in a pre-moderated group; a moderator approves it; the post appears."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from groups.models import Group, PostStatus, Thread
from tests.factories import TEST_PASSWORD, UserFactory
from tests.groups.factories import GroupFactory, MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def community():
    group = GroupFactory(
        name="Cloud migrations",
        slug="cloud-migrations",
        moderation_policy=Group.ModerationPolicy.PREMODERATE_NEW,
    )
    newcomer = UserFactory(email="newcomer@example.com", display_name="Nora Newcomer")
    moderator = UserFactory(email="moderator@example.com", display_name="Mo Derator")
    MembershipFactory(group=group, user=newcomer)
    MembershipFactory(group=group, user=moderator, moderator=True)
    return group


def _sign_in(page, base_url, email):
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")


def test_new_members_post_waits_for_a_moderator_and_appears_once_approved(
    browser, live_server, community
):
    author = browser.new_context().new_page()
    _sign_in(author, live_server.url, "newcomer@example.com")
    author.goto(live_server.url + "/groups/cloud-migrations/threads/new/")
    author.get_by_label("Title").fill("How do you plan cut-over weekends?")
    author.get_by_label("Message").fill("We move **SAP** workloads next month; tips welcome.")
    author.get_by_role("button", name="Post thread").click()
    assert Thread.objects.get().status == PostStatus.PENDING

    visitor = browser.new_context().new_page()
    visitor.goto(live_server.url + "/groups/cloud-migrations/")
    expect(visitor.get_by_text("How do you plan cut-over weekends?")).to_have_count(0)

    moderator = browser.new_context().new_page()
    _sign_in(moderator, live_server.url, "moderator@example.com")
    moderator.get_by_role("link", name="Moderation").click()
    expect(moderator.get_by_role("heading", level=1)).to_have_text("Moderation queue")
    item = moderator.get_by_role("article", name="How do you plan cut-over weekends?")
    expect(item).to_contain_text("Nora Newcomer")
    expect(item).to_contain_text("reviews posts by new members")
    results = Axe().run(moderator)
    assert results.violations_count == 0, results.generate_report()
    item.get_by_role("button", name="Approve", exact=True).click()
    expect(moderator.get_by_role("status")).to_contain_text("Approved")
    expect(moderator.get_by_text("Nothing is waiting")).to_be_visible()

    visitor.goto(live_server.url + "/groups/cloud-migrations/")
    visitor.get_by_role("link", name="How do you plan cut-over weekends?").click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text(
        "How do you plan cut-over weekends?"
    )
    expect(visitor.get_by_text("tips welcome")).to_be_visible()
