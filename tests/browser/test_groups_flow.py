"""A member in a real browser: open a group, post a thread, see it waiting for review."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from groups.models import Group, PostStatus, Thread
from tests.factories import TEST_PASSWORD, UserFactory
from tests.groups.factories import GroupFactory, MembershipFactory, ThreadFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, live_server, email):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign In").click()


def test_member_posts_a_thread_and_sees_it_waiting_for_review(page, live_server):
    group = GroupFactory(
        name="Cloud migrations",
        slug="cloud-migrations",
        moderation_policy=Group.ModerationPolicy.PREMODERATE_ALL,
    )
    ThreadFactory(group=group, title="Welcome to the group")
    member = UserFactory(email="new.member@example.com")
    MembershipFactory(group=group, user=member)
    _sign_in(page, live_server, member.email)

    page.goto(live_server.url + "/groups/")
    page.get_by_role("link", name="Cloud migrations").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cloud migrations")
    page.get_by_role("link", name="New thread").click()
    page.get_by_label("Kind of thread").select_option("question")
    page.get_by_label("Title").fill("Which blueprint do you start from?")
    page.get_by_label("Message").fill("We compare the **enterprise-scale** blueprint with ours.")
    page.get_by_label("Tags").fill("azure, landing zone")
    page.get_by_role("button", name="Post thread").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Which blueprint do you start from?")
    expect(page.get_by_text("Waiting for review").first).to_be_visible()
    expect(page.locator(".post-body strong")).to_have_text("enterprise-scale")
    assert Thread.objects.get(title__startswith="Which blueprint").status == PostStatus.PENDING

    page.get_by_role("link", name="Cloud migrations").click()
    own = page.get_by_role("region", name="Your posts not yet published")
    expect(own.get_by_role("link", name="Which blueprint do you start from?")).to_be_visible()
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
