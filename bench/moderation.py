"""Moderation queue latency with 5,000 waiting items, run by hand (never in the test suite).

    .venv/bin/python bench/moderation.py [--items 5000] [--rounds 50]

Uses PostgreSQL database ``portal_bench_mod`` (override with DATABASE_URL), creates and migrates
it when needed and tops it up to N waiting items (threads and replies held by policy, screening
and flags, spread over 20 groups, a tenth escalated, authors with and without a trust record).
Then it times /moderation/ in-process with Django's test client for program staff (everything,
first and last page, escalated only) and for a moderator of 5 of the groups, and prints p50/p95,
the process's CPU time per request and the SQL query count. It asserts nothing about time.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench._common import create_database_if_missing  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench_mod")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")

GROUPS = 20
AUTHORS = 500
BODY = (
    "We are migrating a **customer's** SAP estate to the cloud and would like to compare notes "
    "on cut-over weekends, rollback plans and [runbooks](https://docs.example.com/runbook)."
)


def seed(target: int) -> None:
    """Top the queue up to ``target`` waiting items with bulk inserts."""
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from groups.markdown import render_markdown
    from groups.models import Flag, Group, GroupMembership, PostStatus, Reply, Thread
    from moderation.models import MemberTrust, ModerationItem
    from portal.models import User

    call_command("migrate", verbosity=0)
    have = ModerationItem.objects.filter(status__in=["open", "escalated"]).count()
    if have >= target:
        print(f"{have:,} waiting items present; no seeding needed")
        return
    started = time.perf_counter()
    now = timezone.now()
    html = render_markdown(BODY)
    with transaction.atomic():
        staff, _ = User.objects.get_or_create(
            email="bench-staff@example.com", defaults={"is_staff": True, "display_name": "Staff"}
        )
        moderator, _ = User.objects.get_or_create(
            email="bench-moderator@example.com", defaults={"display_name": "Moderator"}
        )
        groups = []
        for n in range(GROUPS):
            group, _ = Group.objects.get_or_create(
                slug=f"bench-group-{n}",
                defaults={"name": f"Bench group {n}", "moderation_policy": "premoderate_all"},
            )
            groups.append(group)
        for group in groups[:5]:
            GroupMembership.objects.get_or_create(
                group=group, user=moderator, defaults={"role": GroupMembership.Role.MODERATOR}
            )
        offset = User.objects.count()
        authors = User.objects.bulk_create(
            User(email=f"bench-author-{offset + n}@example.com", display_name=f"Author {n}")
            for n in range(AUTHORS)
        )
        MemberTrust.objects.bulk_create(
            [
                MemberTrust(
                    user=a,
                    approved_posts=n % 7,
                    rejected_posts=n % 3,
                    last_rejected_at=now if n % 3 else None,
                )
                for n, a in enumerate(authors)
                if n % 2
            ],
            ignore_conflicts=True,
        )
        missing = target - have
        n_replies = missing // 5
        n_threads = missing - n_replies
        threads = Thread.objects.bulk_create(
            Thread(
                group=groups[n % GROUPS],
                author=authors[n % AUTHORS],
                title=f"Held thread {n}",
                body_markdown=BODY,
                body_html=html,
                status=PostStatus.PENDING,
            )
            for n in range(n_threads)
        )
        parents = Thread.objects.bulk_create(
            Thread(
                group=g,
                author=staff,
                title=f"Published in {g.name}",
                body_markdown=BODY,
                body_html=html,
                status=PostStatus.PUBLISHED,
                published_at=now,
            )
            for g in groups
        )
        replies = Reply.objects.bulk_create(
            Reply(
                thread=parents[n % GROUPS],
                author=authors[(n * 7) % AUTHORS],
                body_markdown=BODY,
                body_html=html,
                status=PostStatus.PENDING,
            )
            for n in range(n_replies)
        )
        sources = ["policy", "screening", "flags"]
        items = [
            ModerationItem(
                group_id=t.group_id,
                thread=t,
                source=sources[n % 3],
                reasons=["This group reviews every post before it appears."],
                score=(n % 30) / 10,
                flag_count=n % 3 == 2,
                status="escalated" if n % 10 == 0 else "open",
            )
            for n, t in enumerate(threads)
        ] + [
            ModerationItem(
                group_id=r.thread.group_id,
                reply=r,
                source="screening",
                reasons=["Spam wording (1 signals)"],
                score=1.2,
            )
            for r in replies
        ]
        ModerationItem.objects.bulk_create(items)
        Flag.objects.bulk_create(
            Flag(thread=t, reporter=authors[(n + 1) % AUTHORS], reason="spam", note="Looks off")
            for n, t in enumerate(threads)
            if n % 3 == 2
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # what autovacuum would do soon after such a load
    print(f"seeded {missing:,} items in {time.perf_counter() - started:.1f} s")


class _SqlTimer:
    """Counts the statements a request runs and the time spent waiting for them."""

    def __init__(self) -> None:
        self.count, self.ms = 0, 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.count += 1
            self.ms += (time.perf_counter() - started) * 1000


def run(rounds: int) -> None:
    from django.db import connection
    from django.test import Client

    from moderation.models import ModerationItem
    from portal.models import User

    waiting = ModerationItem.objects.filter(status__in=["open", "escalated"]).count()
    print(f"\n/moderation/ with {waiting:,} waiting items  (load average {os.getloadavg()[0]:.1f})")
    print(
        f"  {'page (ms)':34} {'p50':>7} {'p95':>7} {'cpu p50':>8} {'sql p50':>8}"
        f" {'SQL':>4} {'items':>6}"
    )
    staff = Client()
    staff.force_login(User.objects.get(email="bench-staff@example.com"))
    moderator = Client()
    moderator.force_login(User.objects.get(email="bench-moderator@example.com"))
    last_page = (waiting + 49) // 50
    cases = [
        ("staff, first page", staff, "/moderation/"),
        (f"staff, last page ({last_page})", staff, f"/moderation/?page={last_page}"),
        ("staff, escalated only", staff, "/moderation/?escalated=1"),
        ("moderator of 5 groups", moderator, "/moderation/"),
    ]
    for label, client, url in cases:
        client.get(url)  # warm the connection and the buffer pool
        timer = _SqlTimer()
        with connection.execute_wrapper(timer):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            statements = timer.count
            shown = response.content.decode().count('name="items"')
            samples, cpu, sql = [], [], []
            for _ in range(rounds):
                timer.ms = 0.0
                started, started_cpu = time.perf_counter(), time.process_time()
                client.get(url)
                samples.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - started_cpu) * 1000)
                sql.append(timer.ms)
        samples.sort()
        p95 = samples[min(len(samples) - 1, int(len(samples) * 0.95))]
        print(
            f"  {label:34} {statistics.median(samples):7.1f} {p95:7.1f}"
            f" {statistics.median(cpu):8.1f} {statistics.median(sql):8.1f}"
            f" {statements:4d} {shown:6d}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args()

    import django
    from django.conf import settings

    _db = settings.DATABASES["default"]
    create_database_if_missing(
        name=_db["NAME"], user=_db["USER"], host=_db["HOST"], port=_db["PORT"] or 5432
    )
    django.setup()
    seed(args.items)
    run(args.rounds)


if __name__ == "__main__":
    main()
