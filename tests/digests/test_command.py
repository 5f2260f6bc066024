"""python manage.py send_digests [--dry-run] [--email ADDRESS]."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from digests.models import DigestSent
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
