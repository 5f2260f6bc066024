"""Benchmark: the weekly digest run for 10,000 members in 50 groups, end to end.

    .venv/bin/python bench/digests.py [--members 10000] [--groups 50] [--concurrency 2]
        [--broker URL] [--database NAME]
        [--kill-pool-every SECONDS] [--kill-worker-after DIGESTS] [--timeout SECONDS]

On PostgreSQL (database ``portal_bench_digests``, created and seeded on first use), the hourly
run task and its batch tasks go through the broker (Redis db 8 unless ``--broker`` says
otherwise, e.g. ``amqp://guest:guest@127.0.0.1:5672/portal_bench`` for a RabbitMQ vhost of its
own) to a real ``celery worker`` subprocess, which sends every digest over SMTP to a local
aiosmtpd sink. Prints the total time, digests per second, the SQL queries of one batch (at two
batch sizes, to show they do not grow) and the worker's peak memory. Target on a 2-core
machine: ≤ 60 s and < 300 MB. Asserts nothing.

Crash drill: ``--kill-pool-every`` SIGKILLs one pool process every so many seconds (the main
process replaces it and the broker redelivers its batch); ``--kill-worker-after`` SIGKILLs the
whole worker (main process and pool) once that many digests were delivered, and starts a new
one. The sink counts copies by Message-ID, so the summary says how many duplicates went out,
how many digests were left in flight (maybe delivered, never resent) and, after a whole-worker
kill, how long until every digest was handled.
"""

import argparse
import collections
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DATABASE = "portal_bench_digests"
DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{DATABASE}"
REDIS_URL = "redis://127.0.0.1:6379/8"
# Monday 23 November 2026, 07:10 UTC: every member (on UTC) is due for their weekly digest.
RUN_AT = datetime(2026, 11, 23, 7, 10, tzinfo=UTC)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


SMTP_PORT = free_port()
ENV = {
    "DATABASE_URL": DATABASE_URL,
    "REDIS_URL": REDIS_URL,
    "CELERY_TASK_ALWAYS_EAGER": "false",
    "EMAIL_URL": f"smtp://127.0.0.1:{SMTP_PORT}",
    "CACHE_URL": "locmemcache://",
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(60),
    "SITE_URL": "https://portal.example.com",
    "LOG_LEVEL": "WARNING",
}
os.environ.update(ENV)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
sys.path.insert(0, str(BASE_DIR))
from bench._common import create_database_if_missing  # noqa: E402


def seed(members: int, groups: int) -> None:
    """Companies, groups, memberships, a week of threads, requests and a moderation queue."""
    import random

    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password

    from collaboration.models import FindPartnerRequest
    from directory.models import (
        Company,
        CompanyCompetency,
        CompanyCountry,
        CompanyMembership,
        Competency,
    )
    from groups.models import Group, GroupMembership, PostStatus, Thread
    from moderation.models import ModerationItem
    from portal.models import User

    if User.objects.filter(email__endswith="@bench.example.com").count() >= members:
        print(f"seed: reusing {members} members already in {DATABASE}")
        return
    started = time.monotonic()
    rng = random.Random(42)
    long_ago = RUN_AT - timedelta(days=400)
    competencies = [
        Competency.objects.get_or_create(slug=f"skill-{i}", defaults={"name": f"Skill {i}"})[0]
        for i in range(30)
    ]
    countries = ["DE", "FR", "US", "JP", "GB", "IN", "BR", "ES", "IT", "NL"]
    companies = Company.objects.bulk_create(
        Company(
            name=f"Bench Company {i}",
            slug=f"bench-company-{i}",
            hq_country=rng.choice(countries),
            # A few joined the directory this week: "new partners" for matching members.
            created_at=RUN_AT - timedelta(days=2) if i % 25 == 0 else long_ago,
        )
        for i in range(400)
    )
    CompanyCountry.objects.bulk_create(
        CompanyCountry(company=c, country=c.hq_country, is_headquarters=True) for c in companies
    )
    claims = []
    for c in companies:
        for comp in rng.sample(competencies, 3):
            verified = rng.random() < 0.1
            claims.append(
                CompanyCompetency(
                    company=c,
                    competency=comp,
                    status="verified" if verified else "self_declared",
                    verified_at=RUN_AT - timedelta(days=1) if verified else None,
                )
            )
    CompanyCompetency.objects.bulk_create(claims)
    group_objs = Group.objects.bulk_create(
        Group(
            name=f"Bench Group {i}",
            slug=f"bench-group-{i}",
            visibility="private" if i % 10 == 0 else ("members" if i % 3 == 0 else "public"),
        )
        for i in range(groups)
    )
    for i, g in enumerate(group_objs):
        g.tags.add(f"skill-{i % 30}", f"topic-{i % 7}")
    password = make_password(None)
    users = User.objects.bulk_create(
        User(
            email=f"member{i}@bench.example.com",
            display_name=f"Bench Member {i}",
            password=password,
            time_zone="UTC",
        )
        for i in range(members)
    )
    EmailAddress.objects.bulk_create(
        EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users
    )
    CompanyMembership.objects.bulk_create(
        CompanyMembership(company=companies[i % len(companies)], user=u, status="approved")
        for i, u in enumerate(users)
        if i % 10 != 0
    )
    memberships = []
    for i, u in enumerate(users):
        for j, g in enumerate(rng.sample(group_objs, 3)):
            role = "moderator" if (i % 200 == 0 and j == 0) else "member"
            memberships.append(GroupMembership(group=g, user=u, role=role))
    GroupMembership.objects.bulk_create(memberships, batch_size=5000)
    for g in group_objs:
        g.member_count = sum(1 for m in memberships if m.group_id == g.pk)
    Group.objects.bulk_update(group_objs, ["member_count"])
    threads = []
    for g in group_objs:
        for k in range(20):
            published = RUN_AT - timedelta(hours=rng.randint(1, 160))
            threads.append(
                Thread(
                    group=g,
                    author=rng.choice(users),
                    title=f"{g.name}: how we handled case {k}",
                    body_markdown="Body",
                    body_html="<p>Body</p>",
                    status=PostStatus.PUBLISHED if k < 18 else PostStatus.PENDING,
                    helpful_count=rng.randint(0, 30),
                    reply_count=rng.randint(0, 20),
                    published_at=published if k < 18 else None,
                    created_at=published,
                    kind="request" if k in (0, 1) else "discussion",
                )
            )
    threads = Thread.objects.bulk_create(threads)
    requests = FindPartnerRequest.objects.bulk_create(
        FindPartnerRequest(
            thread=t,
            company=rng.choice(companies),
            countries=rng.sample(countries, 2),
            created_at=t.created_at,
        )
        for t in threads
        if t.kind == "request"
    )
    through = FindPartnerRequest.competencies.through
    through.objects.bulk_create(
        through(findpartnerrequest_id=r.pk, competency_id=rng.choice(competencies).pk)
        for r in requests
    )
    ModerationItem.objects.bulk_create(
        ModerationItem(group_id=t.group_id, thread=t, source="policy", created_at=t.created_at)
        for t in threads
        if t.status == PostStatus.PENDING
    )
    print(
        f"seed: {members} members, {groups} groups, {len(threads)} threads "
        f"in {time.monotonic() - started:.1f} s"
    )


def start_sink():
    import logging

    from aiosmtpd.controller import Controller

    # aiosmtpd logs every SMTP command at INFO; that would cost the sink more CPU than the mail.
    logging.getLogger("mail.log").setLevel(logging.WARNING)

    from email.parser import BytesHeaderParser

    headers = BytesHeaderParser()

    class Counter:
        def __init__(self) -> None:
            self.count = 0
            self.copies: collections.Counter[str] = collections.Counter()
            self.lock = threading.Lock()

        async def handle_DATA(self, server, session, envelope):
            message_id = headers.parsebytes(envelope.content).get("Message-ID", "")
            with self.lock:
                self.count += 1
                self.copies[message_id] += 1
            return "250 OK"

    counter = Counter()
    controller = Controller(counter, hostname="127.0.0.1", port=SMTP_PORT)
    controller.start()
    return controller, counter


def _worker_pids(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children")
    return [pid] + ([int(p) for p in children.read_text().split()] if children.exists() else [])


def start_worker(concurrency: int) -> subprocess.Popen:
    """A ``celery worker`` in a process group of its own, so that it can be killed whole."""
    return subprocess.Popen(  # noqa: S603 - our own worker with fixed arguments
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "--pool=prefork",
            f"--concurrency={concurrency}",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=BASE_DIR,
        env={**os.environ, **ENV},
        start_new_session=True,
    )


def _proc_kb(path: str, key: str) -> int:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(key):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def worker_peak_rss_kb(pid: int) -> int:
    """Peak resident memory (VmHWM) of the worker's biggest process (main or pool child)."""
    return max((_proc_kb(f"/proc/{p}/status", "VmHWM:") for p in _worker_pids(pid)), default=0)


def worker_cpu_seconds(pid: int) -> float:
    """CPU time (user + system) the worker's processes have used so far."""
    ticks = 0
    for p in _worker_pids(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def worker_pss_kb(pid: int) -> int:
    """Memory the worker's processes use together now, shared pages counted once (PSS)."""
    return sum(_proc_kb(f"/proc/{p}/smaps_rollup", "Pss:") for p in _worker_pids(pid))


def batch_queries(size: int) -> tuple[int, int]:
    """Reads to build one batch of this size, and the digests it built."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from digests.selectors import digests_for_members, members_due, members_for_batch

    ids = list(members_due(now=RUN_AT).values_list("pk", flat=True)[:size])
    with CaptureQueriesContext(connection) as captured:
        members = members_for_batch(member_ids=ids, now=RUN_AT)
        digests = digests_for_members(members=members, now=RUN_AT)
    return len(captured.captured_queries), len(digests)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--groups", type=int, default=50)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument(
        "--broker", default=REDIS_URL, help="Celery broker URL (amqp:// or redis://)"
    )
    parser.add_argument("--database", default=DATABASE, help="PostgreSQL database of the bench")
    parser.add_argument("--kill-pool-every", type=float, default=0, metavar="SECONDS")
    parser.add_argument("--kill-worker-after", type=int, default=0, metavar="DIGESTS")
    parser.add_argument("--timeout", type=float, default=600, metavar="SECONDS")
    args = parser.parse_args()

    ENV["DIGEST_BATCH_SIZE"] = str(args.batch_size)
    ENV["BROKER_URL"] = args.broker
    ENV["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{args.database}"
    os.environ.update(ENV)
    create_database_if_missing(name=args.database)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    seed(args.members, args.groups)

    from digests.models import DigestSent
    from digests.selectors import members_due
    from portal.celery import app as celery_app

    DigestSent.objects.all().delete()
    celery_app.control.purge()
    due = members_due(now=RUN_AT).count()
    small, _ = batch_queries(20)
    large, _ = batch_queries(settings.DIGEST_BATCH_SIZE)

    controller, sink = start_sink()
    worker = start_worker(args.concurrency)
    try:
        time.sleep(1.0)
        ping_deadline = time.monotonic() + 60
        while not celery_app.control.ping(timeout=0.5) and time.monotonic() < ping_deadline:
            time.sleep(0.5)
        from digests.tasks import send_due_digests

        cpu_before = worker_cpu_seconds(worker.pid)
        started = time.monotonic()
        send_due_digests.delay(now=RUN_AT.isoformat())
        deadline = started + args.timeout
        recorded = 0
        last_print = last_pool_kill = started
        peak_pss = 0
        pool_kills = 0
        worker_killed_at = delivered_at_kill = first_after_kill = None
        rng = random.Random(7)
        while time.monotonic() < deadline:
            peak_pss = max(peak_pss, worker_pss_kb(worker.pid))
            recorded = DigestSent.objects.count()
            if recorded >= due:
                break
            now = time.monotonic()
            pool = _worker_pids(worker.pid)[1:]
            if args.kill_pool_every and now - last_pool_kill >= args.kill_pool_every and pool:
                os.kill(rng.choice(pool), signal.SIGKILL)
                pool_kills += 1
                last_pool_kill = now
            if args.kill_worker_after and worker_killed_at is None:
                if sink.count >= args.kill_worker_after:
                    os.killpg(worker.pid, signal.SIGKILL)
                    worker.wait()
                    worker_killed_at, delivered_at_kill = time.monotonic(), sink.count
                    print(f"  SIGKILLed the whole worker after {delivered_at_kill} deliveries")
                    worker = start_worker(args.concurrency)
            elif worker_killed_at and first_after_kill is None and sink.count > delivered_at_kill:
                first_after_kill = time.monotonic() - worker_killed_at
            if now - last_print > 5:
                print(f"  {recorded}/{due} recorded, {sink.count} delivered")
                last_print = now
            time.sleep(0.1 if args.kill_worker_after or args.kill_pool_every else 0.5)
        done_at = time.monotonic()
        elapsed = done_at - started
        time.sleep(1.0)  # let a digest still between the mail server and its record settle
        peak_rss = worker_peak_rss_kb(worker.pid)
        cpu = worker_cpu_seconds(worker.pid) - cpu_before
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
        controller.stop()

    counts = {
        status: DigestSent.objects.filter(status=status).count()
        for status in DigestSent.Status.values
    }
    batches = -(-due // settings.DIGEST_BATCH_SIZE)
    print(f"members due:        {due} in {batches} batches of {settings.DIGEST_BATCH_SIZE}")
    print(f"recorded:           {recorded} ({counts})")
    print(f"delivered to SMTP:  {sink.count} ({len(sink.copies)} distinct Message-IDs)")
    if args.kill_pool_every or args.kill_worker_after:
        duplicates = sum(n - 1 for n in sink.copies.values())
        print(f"crash drill:        {pool_kills} pool process(es) SIGKILLed", end="")
        if worker_killed_at is not None:
            print(
                f"; whole worker SIGKILLed after {delivered_at_kill} deliveries, first delivery "
                f"{first_after_kill or float('nan'):.1f} s and all handled "
                f"{done_at - worker_killed_at:.1f} s after the kill"
                if recorded >= due
                else "; whole worker SIGKILLed, NOT all handled by the timeout",
                end="",
            )
        print(
            f"\n                    duplicates {duplicates}, left in flight {counts['in_flight']}"
        )
    print(f"total time:         {elapsed:.1f} s (target ≤ 60 s)")
    print(
        f"digests per second: {counts['sent'] / elapsed:.0f} sent, {recorded / elapsed:.0f} handled"
    )
    print(
        f"SQL per batch:      {small} reads at 20 members, {large} reads at "
        f"{settings.DIGEST_BATCH_SIZE} members; plus one INSERT (the at-most-once claim) and "
        "one UPDATE (sent) per digest sent, and one INSERT for all empty ones (a batch with "
        "two or more moderators adds their UNION: 3 statements)"
    )
    print(
        f"worker CPU:         {cpu:.1f} s user+system over {elapsed:.1f} s "
        f"({cpu / max(counts['sent'], 1) * 1000:.1f} ms per digest sent; "
        f"machine load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
    )
    print(
        f"worker memory:      peak RSS {peak_rss / 1024:.0f} MB (largest process); peak "
        f"{peak_pss / 1024:.0f} MB for main + {args.concurrency} pool processes together "
        "(PSS, shared pages counted once) (target < 300 MB)"
    )


if __name__ == "__main__":
    main()
