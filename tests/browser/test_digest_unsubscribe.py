"""A member opens the unsubscribe link of a digest they received, confirms, and gets no more."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from digests.models import DigestPreference, Frequency
from digests.selectors import digests_for_members, members_for_batch
from digests.services import digest_frequency_of, digest_message
from tests.digests.factories import GroupMembershipFactory, ThreadFactory
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_member_unsubscribes_from_the_link_in_a_digest(page, live_server):
    member = UserFactory(email="reader@example.com")
    DigestPreference.objects.create(member=member, frequency=Frequency.WEEKLY)
    membership = GroupMembershipFactory(user=member)
    ThreadFactory(group=membership.group, title="Which landing zone blueprint do you use?")
    now = timezone.now()
    (digest,) = digests_for_members(
        members=members_for_batch(member_ids=[member.pk], now=now), now=now
    )
    message = digest_message(digest=digest)
    link = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert link.startswith(settings.SITE_URL) and link in message.body

    page.goto(live_server.url + link.removeprefix(settings.SITE_URL))
    expect(page.get_by_role("heading", level=1)).to_have_text("Unsubscribe from digests")
    expect(page.get_by_text("reader@example.com")).to_be_visible()
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    page.get_by_role("button", name="Unsubscribe").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("You are unsubscribed")
    expect(page.get_by_role("status")).to_have_text("You will not receive digest emails any more.")
    assert digest_frequency_of(member=member) == Frequency.OFF
    page.get_by_role("link", name="Turn digests back on").click()
    expect(page.get_by_label("Off")).to_be_checked()
