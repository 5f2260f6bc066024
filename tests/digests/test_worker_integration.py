"""End to end: the run and its batches on a real Celery worker over Redis, mail over real SMTP."""

import email
import socket
import time
from datetime import timedelta
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller

from digests.models import DigestSent
from digests.tasks import send_due_digests
from tests.digests.factories import GroupFactory, GroupMembershipFactory, ThreadFactory
from tests.factories import UserFactory


class Sink:
    """An SMTP server's handler that keeps every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.connections = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=default_policy))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_sink(settings):
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    try:
        yield sink
    finally:
        controller.stop()


def wait_for(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.1)


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
    wait_for(lambda: DigestSent.objects.count() == queued)
    again = send_due_digests.delay(now=(monday + timedelta(hours=1)).isoformat()).get(timeout=30)

    received = {m["To"]: m for m in smtp_sink.messages}
    assert again == 0
    assert len(smtp_sink.messages) == len(expected) == len(received)
    assert set(received) == expected
    message = received[members[0].email]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["List-Unsubscribe"].strip().startswith("<http://testserver/digest/unsubscribe/")
    plain = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "Delivered for real" in plain
    assert "Delivered for real" in html
    # One SMTP connection per batch: 5 sent digests (+ thread author's empty one) in batches of 2.
    assert smtp_sink.connections <= -(-queued // 2)
