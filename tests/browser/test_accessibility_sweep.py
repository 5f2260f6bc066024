"""Every main page, for each kind of person, is accessible and fits a phone's screen.

For each page: exactly one h1, a main landmark, no axe violations, and nothing wider than a
375 px viewport (no sideways scrolling on a phone).
"""

from dataclasses import dataclass

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from groups.models import Group, PostStatus
from tests.collaboration.factories import (
    CollaborationFactory,
    CollaborationMessageFactory,
    FindPartnerRequestFactory,
    ReferralFactory,
    person_of,
)
from tests.digests.factories import ModerationItemFactory
from tests.directory.factories import (
    CompanyCompetencyFactory,
    CompanyFactory,
    CompetencyFactory,
    OfferingFactory,
)
from tests.factories import UserFactory
from tests.groups.factories import MembershipFactory, ReplyFactory, ThreadFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_WIDTH = 375
# The innermost elements reaching past the viewport's right edge, to name them on failure.
WIDER_THAN_VIEWPORT = """() => {
  const past = (el) => el.getBoundingClientRect().right > window.innerWidth + 0.5;
  const name = (el) => `${el.tagName.toLowerCase()}.${el.className}`;
  return [...document.querySelectorAll("main *, header *, footer *")]
    .filter((el) => past(el) && ![...el.children].some(past))
    .slice(0, 8)
    .map((el) => `${name(el)} (${Math.round(el.getBoundingClientRect().right)}px)`);
}"""


@dataclass
class World:
    company: object
    partner: object
    admin: object
    staff: object
    group: object
    thread: object
    collaboration: object

    def url(self, name: str) -> str:
        group, thread = self.group, self.thread
        return {
            "home": "/",
            "directory": "/directory/",
            "profile": self.company.get_absolute_url(),
            "edit": f"/directory/{self.company.slug}/edit/",
            "curate": f"/directory/{self.company.slug}/curate/",
            "groups": "/groups/",
            "group": group.get_absolute_url(),
            "thread": thread.get_absolute_url(),
            "thread-new": f"/groups/{group.slug}/threads/new/",
            "collaborate": "/collaborate/",
            "collaboration": f"/collaborate/c/{self.collaboration.pk}/",
            "request-new": "/collaborate/requests/new/",
            "digest-preview": "/digest/preview/",
            "digest-preferences": "/digest/preferences/",
            "profile-account": "/accounts/profile/",
            "login": "/accounts/login/",
            "signup": "/accounts/signup/",
            "moderation": "/moderation/",
            "analytics": "/analytics/",
            "league": "/analytics/scorecards/",
            "rules": "/analytics/scorecards/rules/",
            "scorecard": f"/analytics/scorecards/{self.company.slug}/",
            "sso-sign-in": "/sso/sign-in/",
            "sso-company": f"/sso/companies/{self.company.slug}/",
            "sso-review": "/sso/review/",
        }[name]


@pytest.fixture
def world() -> World:
    """One company with an admin, a public group with a discussion and a request, a
    collaboration between two companies and a post waiting for a moderator."""
    cloud = CompetencyFactory(name="Cloud migration")
    company = CompanyFactory(
        name="Northwind Cloud Consulting",
        slug="northwind",
        description="We move **regulated** workloads to the cloud; 40 engineers in Munich.",
    )
    CompanyCompetencyFactory(company=company, competency=cloud, verified=True)
    OfferingFactory(company=company, name="Landing zone in a week")
    admin = person_of(company, admin=True, email="ada@northwind.example", display_name="Ada Admin")
    partner = CompanyFactory(name="Contoso Data Partners", slug="contoso")
    partner_person = person_of(partner, display_name="Carl Contoso")

    group = Group.objects.get(pk=MembershipFactory(user=admin).group_id)
    group.name, group.slug = "Cloud migrations", "cloud-migrations"
    group.save(update_fields=["name", "slug"])
    MembershipFactory(group=group, user=partner_person)
    thread = ThreadFactory(
        group=group,
        author=admin,
        title="Cut-over weekends: Datenbankmigrationsverantwortlichkeitsübergabeprotokoll?",
        body_markdown=(
            "We move **SAP** next month. Which runbook do you start from? Ours: "
            "https://runbooks.example.com/sap/cutover/weekend-checklist-version-2024-final-v3"
        ),
    )
    ReplyFactory(
        thread=thread,
        author=partner_person,
        body_markdown="Use `kubectl-cluster-autoscaler-priority-expander-configuration` first.",
    )
    partner_request = FindPartnerRequestFactory(
        company=company,
        thread__group=group,
        thread__author=admin,
        thread__title="Looking for a data platform partner in France",
        competencies=[cloud],
        countries=["FR"],
    )
    collaboration = CollaborationFactory(request=partner_request, responding_company=partner)
    collaboration.participants.add(admin, partner_person)
    CollaborationMessageFactory(collaboration=collaboration, author=partner_person)
    ReferralFactory(collaboration=collaboration, title="Retail customer moving its warehouse")
    ModerationItemFactory(
        group=group, thread__title="Cheap licences, click here", thread__status=PostStatus.PENDING
    )
    staff = UserFactory(is_staff=True, display_name="Program Staff")
    return World(company, partner, admin, staff, group, thread, collaboration)


def _signed_in_context(browser, live_server, user):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    if user is not None:
        client = Client()
        client.force_login(user)
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )
    return context


PAGES = [
    ("visitor", "home"),
    ("visitor", "directory"),
    ("visitor", "profile"),
    ("visitor", "groups"),
    ("visitor", "group"),
    ("visitor", "thread"),
    ("visitor", "collaborate"),
    ("visitor", "login"),
    ("visitor", "signup"),
    ("visitor", "sso-sign-in"),
    ("member", "home"),
    ("member", "edit"),
    ("member", "thread"),
    ("member", "thread-new"),
    ("member", "collaborate"),
    ("member", "collaboration"),
    ("member", "request-new"),
    ("member", "digest-preview"),
    ("member", "digest-preferences"),
    ("member", "profile-account"),
    ("member", "sso-company"),
    ("staff", "collaborate"),
    ("staff", "moderation"),
    ("staff", "curate"),
    ("staff", "analytics"),
    ("staff", "league"),
    ("staff", "rules"),
    ("member", "scorecard"),
    ("staff", "sso-review"),
]


@pytest.mark.parametrize(("role", "page_name"), PAGES, ids=[f"{r}-{p}" for r, p in PAGES])
def test_page_is_accessible_and_fits_a_phone(browser, live_server, world, role, page_name):
    user = {"visitor": None, "member": world.admin, "staff": world.staff}[role]
    context = _signed_in_context(browser, live_server, user)
    page = context.new_page()
    page.set_default_timeout(10_000)
    response = page.goto(live_server.url + world.url(page_name))
    assert response.status == 200, f"{world.url(page_name)} answered {response.status}"

    expect(page.locator("h1")).to_have_count(1)
    expect(page.get_by_role("main")).to_have_count(1)
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()

    page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    if scroll_width > PHONE_WIDTH:
        too_wide = page.evaluate(WIDER_THAN_VIEWPORT)
        pytest.fail(f"page is {scroll_width}px wide on a phone; too wide: {too_wide}")
    context.close()
