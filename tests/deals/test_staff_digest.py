"""Program staff hear of new submissions in one email an hour, each registration exactly once,
with conflicts flagged."""

from smtplib import SMTPException

import pytest
from django.conf import settings

from deals import services
from deals.models import DealRegistration
from deals.tasks import deals_staff_digest as staff_digest_task
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_inboxes(db):
    UserFactory(email="pm@vendor.example", is_staff=True)
    UserFactory(email="ops@vendor.example", is_staff=True)
    UserFactory(email="gone@vendor.example", is_staff=True, is_active=False)


def staff_digests(outbox) -> list:
    return [m for m in outbox if "pm@vendor.example" in m.to]


def submit(draft, person):
    return services.deal_submit(registration=draft, actor=person)


def test_several_submissions_in_the_hour_make_one_email_with_the_conflict_flagged(
    world, draft_for, staff_inboxes, mailoutbox
):
    submit(draft_for(world.b, world.b_person, customer_domain="acme.co.uk"), world.b_person)
    submit(draft_for(customer_name="ACME Ltd", customer_domain="www.acme.co.uk"), world.a_person)
    submit(
        draft_for(customer_name="Initech", customer_domain="initech.com", country="US"),
        world.a_person,
    )
    assert staff_digests(mailoutbox) == []  # nothing at submit time
    assert staff_digest_task.delay().get() == 3
    (digest,) = staff_digests(mailoutbox)
    assert digest.to == ["ops@vendor.example", "pm@vendor.example"]
    assert digest.subject.endswith("3 deal registrations to review (2 with a conflict)")
    assert "Bravo Solutions: Acme Inc (acme.co.uk, GB), €120,000.00" in digest.body
    assert "Alpha Partners: ACME Ltd (acme.co.uk, GB)" in digest.body
    assert "Alpha Partners: Initech (initech.com, US)" in digest.body
    assert digest.body.count("CONFLICT: another company has an active registration") == 2
    assert f"Review them, oldest first: {settings.SITE_URL}/deals/review/" in digest.body


def test_each_submission_is_in_exactly_one_digest(world, draft_for, staff_inboxes, mailoutbox):
    submit(draft_for(), world.a_person)
    assert services.deals_staff_digest_send() == 1
    assert services.deals_staff_digest_send() == 0  # the next hour: nothing new, no email
    submit(draft_for(customer_name="Initech", customer_domain="initech.com"), world.a_person)
    assert services.deals_staff_digest_send() == 1
    digests = staff_digests(mailoutbox)
    assert len(digests) == 2
    assert "Acme Inc" in digests[0].body and "Initech" not in digests[0].body
    assert "Initech" in digests[1].body and "Acme Inc" not in digests[1].body
    assert digests[1].subject.endswith("1 deal registration to review")


def test_a_registration_decided_before_the_digest_is_not_listed(
    world, draft_for, staff, staff_inboxes, mailoutbox
):
    registration = submit(draft_for(), world.a_person)
    services.deal_reject(registration=registration, staff=staff, reason="Duplicate.")
    assert services.deals_staff_digest_send() == 0
    assert staff_digests(mailoutbox) == []


def test_a_failed_send_leaves_the_registrations_for_the_next_run(
    world, draft_for, staff_inboxes, mailoutbox, monkeypatch
):
    submit(draft_for(), world.a_person)

    def refuse(*args, **kwargs):
        raise SMTPException("mail server down")

    monkeypatch.setattr(services, "send_mail", refuse)
    with pytest.raises(SMTPException):
        services.deals_staff_digest_send()
    assert DealRegistration.objects.get().staff_notified_at is None
    monkeypatch.undo()
    assert services.deals_staff_digest_send() == 1
    assert len(staff_digests(mailoutbox)) == 1


def test_the_digest_runs_every_hour():
    entry = settings.CELERY_BEAT_SCHEDULE["digest-deal-registrations-for-staff"]
    assert entry["task"] == "deals.tasks.deals_staff_digest"
    assert entry["schedule"].minute == {50} and len(entry["schedule"].hour) == 24


def test_drafts_are_not_news_and_nobody_to_tell_sends_nothing(world, draft_for, mailoutbox):
    draft_for()
    submit(draft_for(customer_name="Initech", customer_domain="initech.com"), world.a_person)
    assert services.deals_staff_digest_send() == 0  # no staff yet: kept for when there are
    UserFactory(email="pm@vendor.example", is_staff=True)
    assert services.deals_staff_digest_send() == 1
    assert "Acme Inc" not in staff_digests(mailoutbox)[0].body  # the draft
