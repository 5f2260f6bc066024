import email
import socket
import threading
import time
from datetime import datetime
from email.policy import default as default_policy

from django.utils import timezone

from digests.selectors import Digest, digests_for_members, members_for_batch


def digest_of(member, now: datetime | None = None) -> Digest:
    """The digest the member would get now (their period, their last digest)."""
    now = now or timezone.now()
    (digest,) = digests_for_members(
        members=members_for_batch(member_ids=[member.pk], now=now), now=now
    )
    return digest


class Sink:
    """An SMTP server's handler that keeps every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.connections = 0
        self._arrived = threading.Condition()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server, session, envelope):
        with self._arrived:
            self.messages.append(email.message_from_bytes(envelope.content, policy=default_policy))
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    def wait_for_messages(self, count: int, timeout: float) -> bool:
        """Block until at least ``count`` messages have arrived; False after ``timeout``."""
        with self._arrived:
            return self._arrived.wait_for(lambda: len(self.messages) >= count, timeout)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.1)
    return True
