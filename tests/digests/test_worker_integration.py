"""End to end: the run and its batches on a real Celery worker over Redis, mail over real SMTP."""

from datetime import timedelta

import pytest

from digests.models import DigestSent
from digests.tasks import send_due_digests
from tests.digests.factories import GroupFactory, GroupMembershipFactory, ThreadFactory
from tests.digests.helpers import wait_for
from tests.factories import UserFactory


@pytest.mark.integration
def test_the_weekly_run_sends_through_a_worker_and_smtp_exactly_once(
    transactional_db, settings, smtp_sink, redis_worker, monday
):
    settings.DIGEST_BATCH_SIZE = 2
    group = GroupFactory(name="Integration Group")
    ThreadFactory(
        group=group,
        title="Delivered for real",
        helpful_count=4,
        published_at=monday - timedelta(days=2),
    )
    members = [UserFactory(time_zone="UTC") for _ in range(5)]
    for member in members:
        GroupMembershipFactory(group=group, user=member)
    expected = {m.email for m in members}

    queued = send_due_digests.delay(now=monday.isoformat()).get(timeout=30)
    wait_for(
        lambda: DigestSent.objects.exclude(status=DigestSent.Status.IN_FLIGHT).count() == queued
    )
    again = send_due_digests.delay(now=(monday + timedelta(hours=1)).isoformat()).get(timeout=30)

    received = {m["To"]: m for m in smtp_sink.messages}
    assert again == 0
    assert len(smtp_sink.messages) == len(expected) == len(received)
    assert set(received) == expected
    message = received[members[0].email]
    assert message["Message-ID"] == f"<digest.{members[0].pk}.2026-W48@testserver>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["List-Unsubscribe"].strip().startswith("<http://testserver/digest/unsubscribe/")
    plain = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "Delivered for real" in plain
    assert "Delivered for real" in html
    # One SMTP connection per batch: 5 sent digests (+ thread author's empty one) in batches of 2.
    assert smtp_sink.connections <= -(-queued // 2)
