"""Sending: never empty, never twice, resumable, on time in every time zone, one connection."""

import smtplib
from datetime import UTC, datetime, timedelta

import pytest
from celery.exceptions import Retry
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from digests.models import DigestPreference, DigestSent, Frequency
from digests.selectors import (
    digests_for_members,
    member_for_preview,
    members_due,
    members_for_batch,
)
from digests.services import TransientMailError, digest_batch_send, digest_message
from digests.tasks import send_digest_batch, send_due_digests
from groups.models import GroupMembership
from tests.digests.backends import BreaksAfterBackend, StatusAtSendBackend
from tests.digests.factories import GroupFactory, GroupMembershipFactory, ThreadFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

BREAKING_BACKEND = "tests.digests.backends.BreaksAfterBackend"
# Building any batch: about 20 reads, plus the savepoint and "SET LOCAL jit = off" around each of
# the two per-member UNION statements.
BATCH_QUERIES = 28


@pytest.fixture
def group(db):
    group = GroupFactory(name="Busy Group")
    ThreadFactory(group=group, title="A thread worth reading", helpful_count=3)
    return group


def members_of(group, n: int, **user_fields) -> list:
    users = [UserFactory(**user_fields) for _ in range(n)]
    for user in users:
        GroupMembershipFactory(group=group, user=user)
    return users


def ids(users) -> list[int]:
    return [u.pk for u in users]


@pytest.fixture
def breaking(settings):
    settings.EMAIL_BACKEND = BREAKING_BACKEND
    BreaksAfterBackend.allowed = 0
    BreaksAfterBackend.delivered = 0
    BreaksAfterBackend.opened = 0
    BreaksAfterBackend.error = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
    return BreaksAfterBackend


def test_a_digest_is_sent_and_recorded(group, mailoutbox):
    (member,) = members_of(group, 1)

    result = digest_batch_send(member_ids=[member.pk])

    assert result.sent == 1
    assert [m.to for m in mailoutbox] == [[member.email]]
    assert DigestSent.objects.get(member=member).status == DigestSent.Status.SENT


def test_an_empty_digest_is_not_sent_but_recorded_as_empty(db, mailoutbox):
    idle = UserFactory()

    result = digest_batch_send(member_ids=[idle.pk])

    assert (result.sent, result.empty) == (0, 1)
    assert mailoutbox == []
    assert DigestSent.objects.get(member=idle).status == DigestSent.Status.EMPTY


def test_members_who_turned_digests_off_get_nothing(group, mailoutbox):
    (member,) = members_of(group, 1)
    DigestPreference.objects.create(member=member, frequency=Frequency.OFF)

    digest_batch_send(member_ids=[member.pk])

    assert mailoutbox == []


def test_inactive_members_and_unverified_addresses_get_nothing(group, mailoutbox):
    (inactive,) = members_of(group, 1, is_active=False)
    (unverified,) = members_of(group, 1, verified_email=False)

    digest_batch_send(member_ids=[inactive.pk, unverified.pk])

    assert mailoutbox == []


def test_running_the_same_batch_twice_sends_each_digest_once(group, mailoutbox):
    members = members_of(group, 3)
    now = timezone.now()

    digest_batch_send(member_ids=ids(members), now=now)
    second = digest_batch_send(member_ids=ids(members), now=now)

    assert second.sent == 0
    assert sorted(m.to[0] for m in mailoutbox) == sorted(u.email for u in members)


def test_a_retried_batch_task_sends_nothing_twice(group, mailoutbox):
    members = members_of(group, 3)
    now = timezone.now().isoformat()

    send_digest_batch.apply(kwargs={"member_ids": ids(members), "now": now})
    send_digest_batch.apply(kwargs={"member_ids": ids(members), "now": now})

    assert len(mailoutbox) == 3


def test_the_same_run_executed_twice_sends_each_due_member_once(group, mailoutbox, monday):
    members_of(group, 4)
    ThreadFactory(group=group, title="Fresh on Monday", published_at=monday - timedelta(days=1))

    send_due_digests.apply(kwargs={"now": monday.isoformat()})
    send_due_digests.apply(kwargs={"now": (monday + timedelta(minutes=30)).isoformat()})

    assert len(mailoutbox) == 4
    assert members_due(now=monday).count() == 0


def test_a_batch_interrupted_half_way_and_resumed_sends_each_member_exactly_once(group, breaking):
    members = members_of(group, 6)
    now = timezone.now()
    breaking.allowed = 3

    with pytest.raises(TransientMailError):
        digest_batch_send(member_ids=ids(members), now=now)
    assert DigestSent.objects.filter(status=DigestSent.Status.SENT).count() == 3

    breaking.allowed = 100
    resumed = digest_batch_send(member_ids=ids(members), now=now)

    assert resumed.sent == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in members)


def test_a_digest_is_claimed_as_in_flight_before_the_mail_server_gets_it(group, settings):
    (member,) = members_of(group, 1)
    settings.EMAIL_BACKEND = "tests.digests.backends.StatusAtSendBackend"

    digest_batch_send(member_ids=[member.pk])

    assert StatusAtSendBackend.seen == [DigestSent.Status.IN_FLIGHT]
    assert DigestSent.objects.get(member=member).status == DigestSent.Status.SENT


def test_a_worker_stopped_mid_send_leaves_that_digest_in_flight_and_the_retry_sends_the_rest(
    group, breaking
):
    members = members_of(group, 4)
    breaking.allowed = 2
    breaking.error = KeyboardInterrupt()  # the process goes down inside the SMTP exchange

    with pytest.raises(KeyboardInterrupt):
        digest_batch_send(member_ids=ids(members))
    breaking.allowed = 100
    resumed = digest_batch_send(member_ids=ids(members))

    # The third digest may or may not have reached its member: at most once, so never again.
    in_flight = DigestSent.objects.get(status=DigestSent.Status.IN_FLIGHT).member
    assert resumed.sent == 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        u.email for u in members if u != in_flight
    )
    assert DigestSent.objects.filter(status=DigestSent.Status.SENT).count() == 3


def test_an_attempt_in_flight_is_never_resent_by_a_retried_batch(group, mailoutbox, caplog):
    (member,) = members_of(group, 1)
    now = timezone.now()
    key = members_for_batch(member_ids=[member.pk], now=now)[0].digest_period.key
    DigestSent.objects.create(
        member=member, period_key=key, status=DigestSent.Status.IN_FLIGHT, attempted_at=now
    )

    for _ in range(3):
        send_digest_batch.apply(kwargs={"member_ids": [member.pk], "now": now.isoformat()})

    assert mailoutbox == []
    assert DigestSent.objects.get(member=member).status == DigestSent.Status.IN_FLIGHT
    assert f"Digest {key} for member {member.pk} is still in flight" in caplog.text


def test_an_attempt_in_flight_keeps_its_member_out_of_the_next_hourly_run(group, monday):
    (member,) = members_of(group, 1, time_zone="UTC")
    DigestSent.objects.create(
        member=member, period_key="2026-W48", status=DigestSent.Status.IN_FLIGHT
    )

    assert member not in members_due(now=monday + timedelta(hours=1))


def test_a_transient_mail_error_makes_the_task_retry(group, breaking):
    members = members_of(group, 2)

    with pytest.raises(Retry):
        send_digest_batch.apply(
            kwargs={"member_ids": ids(members), "now": timezone.now().isoformat()}, throw=True
        )
    assert DigestSent.objects.filter(status=DigestSent.Status.SENT).count() == 0


def test_a_permanently_refused_address_is_recorded_as_failed_and_not_retried(group, breaking):
    (member,) = members_of(group, 1)
    breaking.error = smtplib.SMTPRecipientsRefused({member.email: (550, b"No such user")})

    result = digest_batch_send(member_ids=[member.pk])

    assert result.failed == 1
    assert DigestSent.objects.get(member=member).status == DigestSent.Status.FAILED


def test_one_mail_connection_is_opened_per_batch(group, breaking):
    members = members_of(group, 5)
    breaking.allowed = 100

    digest_batch_send(member_ids=ids(members))

    assert breaking.opened == 1
    assert len(mail.outbox) == 5


def test_tokyo_is_due_on_monday_morning_while_los_angeles_is_still_on_sunday(db):
    tokyo = UserFactory(time_zone="Asia/Tokyo")
    los_angeles = UserFactory(time_zone="America/Los_Angeles")
    sunday_evening_utc = datetime(2026, 11, 22, 22, 30, tzinfo=UTC)  # Tokyo: Monday 07:30

    assert list(members_due(now=sunday_evening_utc)) == [tokyo]
    assert los_angeles not in members_due(now=sunday_evening_utc)


def test_los_angeles_is_due_on_its_monday_morning_when_tokyo_is_already_on_tuesday(db):
    UserFactory(time_zone="Asia/Tokyo")
    los_angeles = UserFactory(time_zone="America/Los_Angeles")
    monday_afternoon_utc = datetime(2026, 11, 23, 15, 30, tzinfo=UTC)  # LA: Monday 07:30

    assert list(members_due(now=monday_afternoon_utc)) == [los_angeles]


def test_nobody_is_due_before_seven_local_time(db):
    UserFactory(time_zone="Europe/Berlin")
    monday_early = datetime(2026, 11, 23, 5, 30, tzinfo=UTC)  # Berlin: 06:30

    assert members_due(now=monday_early).count() == 0


def test_daily_members_are_due_every_morning_and_weekly_ones_only_on_monday(db):
    daily = UserFactory(time_zone="UTC")
    DigestPreference.objects.create(member=daily, frequency=Frequency.DAILY)
    UserFactory(time_zone="UTC")  # weekly by default
    wednesday = datetime(2026, 11, 25, 7, 5, tzinfo=UTC)

    assert list(members_due(now=wednesday)) == [daily]


def test_a_member_already_recorded_for_the_period_is_not_due(db, monday):
    member = UserFactory(time_zone="UTC")
    DigestSent.objects.create(member=member, period_key="2026-W48")

    assert members_due(now=monday).count() == 0


def test_members_whose_digests_are_off_are_never_due(db, monday):
    member = UserFactory(time_zone="UTC")
    DigestPreference.objects.create(member=member, frequency=Frequency.OFF)

    assert members_due(now=monday).count() == 0


def test_the_run_splits_due_members_into_batches(group, settings, mailoutbox, monday):
    settings.DIGEST_BATCH_SIZE = 2
    members = members_of(group, 5)
    ThreadFactory(group=group, title="Monday news", published_at=monday - timedelta(days=1))
    due = members_due(now=monday).count()  # the members, plus the threads' authors

    queued = send_due_digests.apply(kwargs={"now": monday.isoformat()}).get()

    assert queued == due
    assert DigestSent.objects.count() == due
    assert sorted(m.to[0] for m in mailoutbox) == sorted(u.email for u in members)


def test_the_email_has_plain_text_and_html_parts(group, mailoutbox):
    (member,) = members_of(group, 1)

    digest_batch_send(member_ids=[member.pk])

    (message,) = mailoutbox
    assert "A thread worth reading" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "A thread worth reading" in html
    assert 'style="' in html
    assert "<link" not in html and "<img" not in html and "<script" not in html


def test_the_email_carries_one_click_unsubscribe_headers(group, mailoutbox):
    (member,) = members_of(group, 1)

    digest_batch_send(member_ids=[member.pk])

    headers = mailoutbox[0].message()
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert headers["List-Unsubscribe"].startswith("<http://testserver/digest/unsubscribe/")
    assert headers["List-Unsubscribe"].endswith("/>")


def test_a_digest_has_one_message_id_per_member_and_period_whoever_builds_it(group, mailoutbox):
    (member,) = members_of(group, 1)
    now = timezone.now()

    digest_batch_send(member_ids=[member.pk], now=now)
    (digest,) = digests_for_members(members=[member_for_preview(member=member, now=now)], now=now)
    rebuilt = digest_message(digest=digest)

    sent_id = mailoutbox[0].message()["Message-ID"]
    assert sent_id == f"<digest.{member.pk}.{digest.period.key}@testserver>"
    assert rebuilt.message()["Message-ID"] == sent_id


def test_links_in_the_email_are_absolute_from_site_url(group, mailoutbox):
    (member,) = members_of(group, 1)

    digest_batch_send(member_ids=[member.pk])

    body = mailoutbox[0].body
    assert "http://testserver/digest/unsubscribe/" in body
    assert "http://testserver/digest/preferences/" in body
    assert "http://testserver/groups/busy-group/" in body


def test_user_text_is_escaped_in_the_html_part(group, mailoutbox):
    (member,) = members_of(group, 1)
    ThreadFactory(group=group, title="<script>alert(1)</script> tips", helpful_count=9)

    digest_batch_send(member_ids=[member.pk])

    html = mailoutbox[0].alternatives[0][0]
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; tips" in html


def _busy_members(n: int) -> list[int]:
    """n members in a few groups, with companies, requests and a moderator among them."""
    from tests.digests.factories import FindPartnerRequestFactory, ModerationItemFactory
    from tests.directory.factories import (
        CompanyCompetencyFactory,
        CompanyMembershipFactory,
        CompetencyFactory,
    )

    competency = CompetencyFactory(name="Data")
    groups = [GroupFactory(tag_names=["data"]) for _ in range(3)]
    for g in groups:
        ThreadFactory(group=g, helpful_count=2)
        FindPartnerRequestFactory(thread__group=g, needs=[competency])
        ModerationItemFactory(group=g)
    users = []
    for i in range(n):
        user = UserFactory()
        membership = CompanyMembershipFactory(user=user)
        CompanyCompetencyFactory(company=membership.company, competency=competency)
        role = GroupMembership.Role.MODERATOR if i % 5 == 0 else GroupMembership.Role.MEMBER
        GroupMembershipFactory(group=groups[i % 3], user=user, role=role)
        users.append(user.pk)
    return users


@pytest.mark.parametrize("size", [5, 50])
def test_building_a_batch_takes_the_same_queries_whatever_its_size(
    size, django_assert_max_num_queries
):
    member_ids = _busy_members(size)
    now = timezone.now()

    with django_assert_max_num_queries(BATCH_QUERIES):
        digests = digests_for_members(members=members_for_batch(member_ids=member_ids, now=now))

    assert all(d.threads and d.requests and d.groups for d in digests)


@pytest.mark.parametrize("size", [5, 50])
def test_sending_a_batch_adds_only_the_claim_and_the_outcome_of_each_digest(size, mailoutbox):
    member_ids = _busy_members(size)

    with CaptureQueriesContext(connection) as captured:
        digest_batch_send(member_ids=member_ids)

    claims = [
        q for q in captured.captured_queries if 'INSERT INTO "digests_digestsent"' in q["sql"]
    ]
    outcomes = [q for q in captured.captured_queries if 'UPDATE "digests_digestsent"' in q["sql"]]
    reads = [
        q
        for q in captured.captured_queries
        if q["sql"].startswith("SELECT") or q["sql"].startswith("(SELECT")
    ]
    assert len(mailoutbox) == size
    assert len(claims) == size  # the at-most-once claim, one committed row per digest
    assert len(outcomes) == size  # IN_FLIGHT -> SENT once the mail server has the message
    assert len(reads) <= 22
