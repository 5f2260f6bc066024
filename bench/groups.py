"""Benchmark: the group page and the thread page with 10,000 threads and a 500-reply thread.

    .venv/bin/python bench/groups.py [--threads 10000] [--replies 500] [--requests 200]
                                     [--seconds 10]

On PostgreSQL (database ``portal_bench_groups``, created, migrated and seeded on first use) it
times the group page (first page and a deep page, by activity and by helpfulness) and the thread
page (first and last page of the 500-reply thread) in-process with Django's test client as an
anonymous visitor and as a signed-in member, printing p50/p95 and the SQL query count of each.
"anonymous" is the steady state (visitors share a cached page); "anon-cold" renders every
request afresh (the cache is cleared before each). Then it starts gunicorn (3 workers,
127.0.0.1 only) and measures requests per second for an anonymous visitor with ``wrk`` when
installed, else with a small threaded Python loop; gunicorn is stopped afterwards.
Targets on a 2-core machine: p95 <= 50 ms, >= 150 requests/s. Asserts nothing.
"""

import argparse
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DATABASE = "portal_bench_groups"
ENV = {
    "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
    "CACHE_URL": "locmemcache://",
    "CELERY_TASK_ALWAYS_EAGER": "true",
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(60),
    "SECURE_SSL_REDIRECT": "false",
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "LOG_LEVEL": "WARNING",
    # Production static files (manifest storage) need collectstatic; keep them out of the tree.
    "VAR_DIR": str(Path(tempfile.gettempdir()) / "portal-bench-groups"),
}
os.environ.pop("REDIS_URL", None)
os.environ.update(ENV)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
sys.path.insert(0, str(BASE_DIR))
from bench._common import create_database_if_missing  # noqa: E402

GROUP_SLUG = "bench-cloud-migrations"


def seed(*, threads: int, replies: int):
    """One public group with `threads` published threads; the newest has `replies` replies."""
    import random
    from datetime import timedelta

    from django.contrib.auth.hashers import make_password
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction
    from django.utils import timezone
    from taggit.models import Tag, TaggedItem

    from groups.markdown import render_markdown
    from groups.models import Group, GroupMembership, PostStatus, Reply, Thread
    from portal.models import User

    group = Group.objects.filter(slug=GROUP_SLUG).first()
    if group is not None and group.thread_count >= threads:
        return group, Thread.objects.filter(group=group).order_by("-reply_count").first()
    rng = random.Random(7)
    now = timezone.now()
    with transaction.atomic():
        Group.objects.filter(slug=GROUP_SLUG).delete()
        group = Group.objects.create(name="Bench: cloud migrations", slug=GROUP_SLUG)
        password = make_password("bench-password")
        users = User.objects.bulk_create(
            User(email=f"bench{n}@example.com", password=password, display_name=f"Bench {n}")
            for n in range(200)
            if not User.objects.filter(email=f"bench{n}@example.com").exists()
        ) or list(User.objects.filter(email__startswith="bench").order_by("pk")[:200])
        GroupMembership.objects.bulk_create(
            (GroupMembership(group=group, user=u) for u in users), ignore_conflicts=True
        )
        body = (
            "We just finished a **migration** for a retailer. Three surprises:\n\n"
            "1. discovery took twice as long\n2. licensing came late\n3. weekly demos\n\n"
            "See [our notes](https://example.com/notes)."
        )
        html = render_markdown(body)
        rows = []
        for n in range(threads):
            moment = now - timedelta(minutes=n * 7)
            rows.append(
                Thread(
                    group=group,
                    author=rng.choice(users),
                    title=f"Lessons learned from migration project {n}",
                    body_markdown=body,
                    body_html=html,
                    status=PostStatus.PUBLISHED,
                    is_pinned=n < 3,
                    helpful_count=rng.randint(0, 40),
                    reply_count=rng.randint(0, 12),
                    created_at=moment,
                    published_at=moment,
                    last_activity_at=moment,
                )
            )
        created = Thread.objects.bulk_create(rows, batch_size=2000)
        long_thread = created[5]
        reply_html = render_markdown("We did the same; happy to share our **runbook**.")
        Reply.objects.bulk_create(
            (
                Reply(
                    thread=long_thread,
                    author=rng.choice(users),
                    body_markdown="We did the same; happy to share our **runbook**.",
                    body_html=reply_html,
                    status=PostStatus.PUBLISHED,
                    created_at=now - timedelta(minutes=500 - n),
                    published_at=now,
                )
                for n in range(replies)
            ),
            batch_size=2000,
        )
        Thread.objects.filter(pk=long_thread.pk).update(reply_count=replies)
        ct = ContentType.objects.get_for_model(Thread)
        tags = [
            Tag.objects.get_or_create(name=n, defaults={"slug": n})[0] for n in ("azure", "sow")
        ]
        TaggedItem.objects.bulk_create(
            (TaggedItem(tag=rng.choice(tags), content_type=ct, object_id=t.pk) for t in created),
            batch_size=5000,
        )
        Group.objects.filter(pk=group.pk).update(
            thread_count=threads, member_count=len(users), last_activity_at=now
        )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    group.refresh_from_db()
    long_thread.refresh_from_db()
    return group, long_thread


def time_pages(pages: list[tuple[str, str]], *, requests: int, member) -> None:
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    clients = {"anonymous": Client(), "anon-cold": Client()}
    signed_in = Client()
    signed_in.force_login(member)
    clients["member"] = signed_in
    print(f"{'page':<44}{'viewer':<11}{'p50 ms':>8}{'p95 ms':>8}{'queries':>9}")
    for label, url in pages:
        for viewer, client in clients.items():
            for _ in range(5):
                client.get(url)  # warm up
            timings = []
            for _ in range(requests):
                if viewer == "anon-cold":  # every visitor page rendered afresh
                    cache.clear()
                start = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, (url, response.status_code)
            if viewer == "anon-cold":
                cache.clear()
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            p50 = statistics.median(timings)
            p95 = statistics.quantiles(timings, n=20)[-1]
            print(f"{label:<44}{viewer:<11}{p50:>8.1f}{p95:>8.1f}{len(queries):>9}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def python_load(url: str, *, seconds: float, concurrency: int = 8) -> float:
    done = [0] * concurrency
    stop = time.monotonic() + seconds

    def worker(index: int) -> None:
        while time.monotonic() < stop:
            with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback
                response.read()
            done[index] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(done) / seconds


def throughput(urls: list[tuple[str, str]], *, seconds: int) -> None:
    port = free_port()
    server = subprocess.Popen(  # noqa: S603 - fixed command line
        [
            str(BASE_DIR / ".venv/bin/gunicorn"),
            "portal.wsgi",
            "--workers",
            "3",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=BASE_DIR,
        env=os.environ.copy(),
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2)  # noqa: S310 - loopback
                break
            except OSError:
                time.sleep(0.2)
        wrk = shutil.which("wrk")
        tool = "wrk -t2 -c8" if wrk else "python loop, 8 threads"
        print(f"\nrequests/s, anonymous, gunicorn 3 workers, {seconds} s each ({tool})")
        for label, path in urls:
            for _ in range(20):
                urllib.request.urlopen(base + path).read()  # noqa: S310 - loopback, warm-up
            if wrk:
                out = subprocess.run(  # noqa: S603 - fixed command line
                    [wrk, "-t2", "-c8", f"-d{seconds}s", "--latency", base + path],
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout
                rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
                non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
                p99 = re.search(r"99%\s+(\S+)", out).group(1)
                extra = f", non-2xx {non2xx.group(1)}" if non2xx else ""
                print(f"  {label:<44}{rate:>8.1f} req/s  (p99 {p99}{extra})")
            else:
                rate = python_load(base + path, seconds=seconds)
                print(f"  {label:<44}{rate:>8.1f} req/s")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=10_000)
    parser.add_argument("--replies", type=int, default=500)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()

    create_database_if_missing(name=DATABASE)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    started = time.perf_counter()
    group, long_thread = seed(threads=args.threads, replies=args.replies)
    print(
        f"data: {group.thread_count} threads in /groups/{group.slug}/, "
        f"{long_thread.reply_count} replies in thread {long_thread.pk} "
        f"(ready in {time.perf_counter() - started:.1f} s)\n"
    )
    from groups.models import GroupMembership

    member = GroupMembership.objects.filter(group=group).select_related("user").first().user
    group_url = f"/groups/{group.slug}/"
    thread_url = long_thread.get_absolute_url()
    pages = [
        ("group page, by activity", group_url),
        ("group page, by helpfulness", group_url + "?sort=helpful"),
        ("group page, page 200", group_url + "?page=200"),
        ("thread page, 500 replies, first page", thread_url),
        ("thread page, 500 replies, last page", thread_url + "?page=last"),
        ("group list", "/groups/"),
    ]
    time_pages(pages, requests=args.requests, member=member)
    throughput(
        [
            ("group page", group_url),
            ("thread page (500 replies, 50 shown)", thread_url),
        ],
        seconds=args.seconds,
    )


if __name__ == "__main__":
    main()
