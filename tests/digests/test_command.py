"""python manage.py send_digests [--dry-run] [--email ADDRESS] [--give-up-stuck|--resend-stuck]."""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from digests.models import DigestSent
from digests.selectors import members_for_batch
from tests.digests.factories import GroupFactory, GroupMembershipFactory, ThreadFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def subscriber(db):
    group = GroupFactory()
    ThreadFactory(group=group, title="Worth reading")
    user = UserFactory(email="sub@example.com", time_zone="Pacific/Kiritimati")
    GroupMembershipFactory(group=group, user=user)
    return user


def run(*args) -> str:
    out = StringIO()
    call_command("send_digests", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_email_sends_that_members_digest_now_whatever_the_schedule(subscriber, mailoutbox):
    output = run("--email", "SUB@example.com")

    assert [m.to for m in mailoutbox] == [["sub@example.com"]]
    assert "Done: sent 1, skipped empty 0, failed 0." in output


def test_email_twice_in_the_same_period_sends_once(subscriber, mailoutbox):
    run("--email", "sub@example.com")
    output = run("--email", "sub@example.com")

    assert len(mailoutbox) == 1
    assert "already recorded" in output


def test_dry_run_sends_and_records_nothing(subscriber, mailoutbox):
    output = run("--dry-run", "--email", "sub@example.com")

    assert mailoutbox == []
    assert DigestSent.objects.count() == 0
    assert "Done: would send 1, skipped empty 0, failed 0." in output


def test_empty_digests_are_counted_as_skipped(db, mailoutbox):
    UserFactory(email="idle@example.com")

    output = run("--email", "idle@example.com")

    assert mailoutbox == []
    assert "Done: sent 0, skipped empty 1, failed 0." in output


def test_an_unknown_address_is_a_clear_error(db):
    with pytest.raises(
        CommandError, match=re.escape("No member with the email address nobody@example.com.")
    ):
        run("--email", "nobody@example.com")


def test_without_options_it_reports_progress_and_a_summary(db):
    output = run()

    assert "member(s) due" in output
    assert output.strip().endswith("failed 0.")


# -- attempts stuck in flight -------------------------------------------------------------------


def stuck_attempt(member, *, minutes_ago: int = 45, period_key: str | None = None) -> DigestSent:
    """A digest a killed worker handed to the mail server without recording the outcome."""
    now = timezone.now()
    if period_key is None:
        (due,) = members_for_batch(member_ids=[member.pk], now=now)
        period_key = due.digest_period.key
    return DigestSent.objects.create(
        member=member,
        period_key=period_key,
        status=DigestSent.Status.IN_FLIGHT,
        attempted_at=now - timedelta(minutes=minutes_ago),
    )


def test_every_run_reports_digests_stuck_in_flight_and_sends_them_no_second_time(
    subscriber, mailoutbox
):
    stuck_attempt(subscriber)

    output = run("--email", "sub@example.com")

    assert "Stuck in flight for over 30 minute(s), maybe delivered, not resent: 1." in output
    assert "--give-up-stuck" in output
    assert mailoutbox == []
    assert DigestSent.objects.get().status == DigestSent.Status.IN_FLIGHT


def test_an_attempt_younger_than_the_task_time_limit_is_not_counted_as_stuck(subscriber):
    stuck_attempt(subscriber, minutes_ago=5)

    output = run("--email", "sub@example.com")

    assert "not resent: 0." in output


def test_stuck_after_sets_the_age_from_which_an_attempt_is_stuck(subscriber):
    stuck_attempt(subscriber, minutes_ago=5)

    output = run("--stuck-after", "2")

    assert "Stuck in flight for over 2 minute(s), maybe delivered, not resent: 1." in output


def test_give_up_stuck_records_them_as_given_up_and_never_sends_them(subscriber, mailoutbox):
    stuck_attempt(subscriber)

    output = run("--give-up-stuck")
    again = run("--email", "sub@example.com")

    assert "sub@example.com: period" in output
    assert "Gave up 1." in output
    assert "not resent: 0." in again
    assert mailoutbox == []
    assert DigestSent.objects.get().status == DigestSent.Status.GIVEN_UP


def test_resend_stuck_sends_a_digest_of_the_current_period_once_more(subscriber, mailoutbox):
    stuck_attempt(subscriber)

    output = run("--resend-stuck")
    again = run("--resend-stuck")

    assert "Resent 1, gave up 0 (their period is over)." in output
    assert "not resent: 0." in again
    assert [m.to for m in mailoutbox] == [["sub@example.com"]]
    assert DigestSent.objects.get().status == DigestSent.Status.SENT


def test_resend_stuck_gives_up_a_digest_whose_period_is_over(subscriber, mailoutbox):
    stuck_attempt(subscriber, minutes_ago=60 * 24 * 8, period_key="2020-W01")

    output = run("--resend-stuck")

    assert "Resent 0, gave up 1 (their period is over)." in output
    assert mailoutbox == []
    assert DigestSent.objects.get().status == DigestSent.Status.GIVEN_UP


def test_dry_run_only_says_what_it_would_do_with_stuck_attempts(subscriber, mailoutbox):
    stuck_attempt(subscriber)

    output = run("--dry-run", "--resend-stuck")

    assert "Dry run: would resend 1." in output
    assert mailoutbox == []
    assert DigestSent.objects.get().status == DigestSent.Status.IN_FLIGHT


def test_giving_up_and_resending_at_once_is_refused(db):
    with pytest.raises(CommandError, match="not allowed with argument"):
        run("--give-up-stuck", "--resend-stuck")
