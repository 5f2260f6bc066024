"""A whole Celery worker SIGKILLed mid-batch on RabbitMQ, then restarted.

The worker is a real ``celery -A portal worker`` subprocess (main process and pool) on the
test database, consuming a queue of this test's own on RabbitMQ and sending over real SMTP to
a local sink. Its mail backend pauses after the server has taken each message, before the
digest is recorded as sent, and the test kills the whole process group inside that pause: the
worst moment, when the member has the message and the database does not know it yet.
RabbitMQ hands the dead worker's unacknowledged batch to the restarted worker at once (Redis
would hold it for the visibility timeout), and the digest left in flight is not sent again.
"""

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from io import StringIO
from pathlib import Path
from urllib.parse import quote
from uuid import uuid4

import pytest
from celery import Celery
from django.core.management import call_command
from django.db import connection

from digests.models import DigestSent
from digests.selectors import members_due
from tests.digests.factories import GroupFactory, GroupMembershipFactory, ThreadFactory
from tests.digests.helpers import wait_for
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
RABBITMQ_URL = os.environ.get("RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672//")
# How long the first worker waits after the mail server took a message, before recording it.
PAUSE_AFTER_SEND = 1.5
# The bound the issue sets is five minutes; the worker is back within seconds.
RECOVERY_LIMIT = 60.0


def database_url() -> str:
    """The URL of pytest-django's test database (test_<name>), for the worker subprocess."""
    db = connection.settings_dict
    auth = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Worker:
    """``celery -A portal worker`` in a process group of its own, logging to a file."""

    def __init__(self, *, queue: str, smtp_port: int, pause: float, log: Path) -> None:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.digests.worker_settings",
            "DATABASE_URL": database_url(),
            "BROKER_URL": RABBITMQ_URL,
            "CELERY_BROKER_URL": RABBITMQ_URL,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "SITE_URL": "http://testserver",
            "CACHE_URL": "locmemcache://",
            "DIGEST_BATCH_SIZE": "3",
            "DIGEST_TEST_QUEUE": queue,
            "DIGEST_TEST_PAUSE_AFTER_SEND": str(pause),
        }
        self.log = log
        with log.open("ab") as out:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "portal",
                    "worker",
                    "--pool=prefork",
                    "--concurrency=1",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                    "--loglevel=INFO",
                    f"--hostname={queue}-{uuid4().hex[:6]}@%h",
                ],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: main process and pool together
            )

    def kill(self) -> None:
        """SIGKILL the main process and its pool at once, as a host or OOM killer would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


@pytest.fixture
def rabbitmq_queue():
    """A queue name of this test's own, deleted afterwards, and an app that publishes to it."""
    app = Celery("digest-kill-test", broker=RABBITMQ_URL, set_as_current=False)
    queue = f"digests-kill-test-{uuid4().hex[:12]}"
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=3)
    except Exception as exc:  # any transport error: say how to start the broker
        pytest.fail(
            f"RabbitMQ is not reachable at {RABBITMQ_URL} ({exc!r}). "
            "Start it with: rabbitmq-server -detached"
        )
    try:
        yield app, queue
    finally:
        with app.connection_for_write() as conn:
            conn.default_channel.queue_delete(queue)
            conn.default_channel.exchange_delete(queue)


@pytest.fixture
def workers(tmp_path):
    """Start workers with ``workers.start(pause=...)``; all are stopped after the test."""
    started: list[Worker] = []

    class Workers:
        queue = ""
        smtp_port = 0

        def start(self, *, pause: float) -> Worker:
            worker = Worker(
                queue=self.queue, smtp_port=self.smtp_port, pause=pause, log=tmp_path / "worker.log"
            )
            started.append(worker)
            return worker

    try:
        yield Workers()
    finally:
        for worker in started:
            worker.stop()


@pytest.mark.integration
@pytest.mark.timeout(90)
def test_a_whole_worker_killed_mid_batch_is_replaced_and_every_member_gets_one_digest(
    transactional_db, smtp_server, rabbitmq_queue, workers, monday
):
    group = GroupFactory(name="Kill Test Group")
    members = [UserFactory(time_zone="UTC") for _ in range(8)]
    for member in members:
        GroupMembershipFactory(group=group, user=member)
    # Created last, the thread's author comes last in the batches: the first batch is three
    # digests worth sending, and the kill lands after its second, before its third.
    ThreadFactory(group=group, title="Worth a kill", published_at=monday - timedelta(days=1))
    due = members_due(now=monday).count()  # the members, plus the thread's author (empty)
    expected = {m.email for m in members}
    app, workers.queue = rabbitmq_queue
    workers.smtp_port = smtp_server.port

    first = workers.start(pause=PAUSE_AFTER_SEND)
    app.send_task(
        "digests.tasks.send_due_digests", kwargs={"now": monday.isoformat()}, queue=workers.queue
    )
    # The second digest of the first batch is with the mail server; the worker is in its pause.
    assert smtp_server.wait_for_messages(2, timeout=30), first.tail()
    first.kill()
    killed_at = time.monotonic()
    delivered_before_kill = [m["To"] for m in smtp_server.messages]
    in_the_window = delivered_before_kill[-1]

    workers.start(pause=0)
    finished = wait_for(
        lambda: (
            DigestSent.objects.count() == due
            and DigestSent.objects.filter(status=DigestSent.Status.IN_FLIGHT).count() == 1
        ),
        timeout=RECOVERY_LIMIT,
    )
    recovered_in = time.monotonic() - killed_at

    assert finished, first.tail()  # both workers log to the same file
    received = Counter(m["To"] for m in smtp_server.messages)
    assert set(received) == expected
    assert all(copies == 1 for copies in received.values()), received
    assert len({m["Message-ID"] for m in smtp_server.messages}) == len(expected)
    in_flight = DigestSent.objects.get(status=DigestSent.Status.IN_FLIGHT)
    assert in_flight.member.email == in_the_window
    assert in_the_window == members[1].email
    report = StringIO()
    call_command(
        "send_digests", "--dry-run", "--stuck-after", "0", "--verbosity", "2", stdout=report
    )
    assert "maybe delivered, not resent: 1." in report.getvalue()
    assert f"{in_the_window}: period 2026-W48" in report.getvalue()
    print(
        f"\nkilled after {len(delivered_before_kill)} digest(s); all {len(expected)} delivered "
        f"{recovered_in:.1f} s after the SIGKILL (worker restart included); duplicates: "
        f"{sum(received.values()) - len(received)}"
    )
