"""Benchmark: the group page and the thread page with 10,000 threads and a 500-reply thread.

    .venv/bin/python bench/groups.py [--threads 10000] [--replies 500] [--requests 200]
                                     [--seconds 10] [--database NAME] [--drop]
    .venv/bin/python bench/groups.py --peer [--rounds 3] [--seconds 8]

``--database`` names the benchmark's own database (default ``portal_bench_groups``, or
``BENCH_DATABASE``); ``--drop`` drops it at the end.

On PostgreSQL (database ``portal_bench_groups``, created, migrated and seeded on first use) it
times the group page (first page and a deep page, by activity and by helpfulness) and the thread
page (first and last page of the 500-reply thread) in-process with Django's test client as an
anonymous visitor and as a signed-in member, printing p50/p95 and the SQL query count of each.
"anonymous" is the steady state (visitors share a cached page); "anon-cold" renders every
request afresh (the cache is cleared before each). Then it starts gunicorn (3 workers,
127.0.0.1 only) and measures requests per second for an anonymous visitor with ``wrk`` when
installed, else with a small threaded Python loop; gunicorn is stopped afterwards.
Targets on a 2-core machine: p95 <= 50 ms, >= 150 requests/s. Asserts nothing.

``--peer`` compares the signed-in group and thread pages with django-machina 1.3.1's signed-in
forum and topic pages (../shared/peers/machina, set up by its setup.sh; ``--peer-dir``,
``--peer-venv`` and ``--peer-database-url`` say where). It serves both with gunicorn, 3 workers
each, creates a session for a member of each, and runs ``wrk -t2 -c8`` on the portal and on
machina in turn, ``--rounds`` times, so that both see the same load; it prints the median
requests/s of each, their ratio, the CPU each request cost the server and its database
backends (read from /proc: a figure that other work on a shared machine disturbs far less
than requests/s), the portal's in-process p95 and query count for the member, and the
machine's load average. Needs wrk.
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
from contextlib import contextmanager
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DATABASE = os.environ.get("BENCH_DATABASE", "portal_bench_groups")
for _n, _arg in enumerate(sys.argv):  # read here: the database URL below needs it
    if _arg == "--database" and _n + 1 < len(sys.argv):
        DATABASE = sys.argv[_n + 1]
    elif _arg.startswith("--database="):
        DATABASE = _arg.split("=", 1)[1]
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
from bench._common import create_database_if_missing, drop_database  # noqa: E402

GROUP_SLUG = "bench-cloud-migrations"
GUNICORN = str(Path(sys.executable).parent / "gunicorn")


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


def time_pages(pages: list[tuple[str, str]], *, requests: int, member, viewers=None) -> dict:
    """Print and return {(page, viewer): (p50, p95, queries)}."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    clients = {"anonymous": Client(), "anon-cold": Client()}
    signed_in = Client()
    signed_in.force_login(member)
    clients["member"] = signed_in
    if viewers is not None:
        clients = {name: clients[name] for name in viewers}
    results = {}
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
            results[label, viewer] = (p50, p95, len(queries))
    return results


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


@contextmanager
def served(command: list[str], *, cwd, env: dict, health_url: str):
    """Run a gunicorn command line until the block ends; wait until health_url answers."""
    server = subprocess.Popen(command, cwd=cwd, env=env, start_new_session=True)  # noqa: S603
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(health_url, timeout=2)  # noqa: S310 - loopback
                break
            except OSError:
                time.sleep(0.2)
        yield server
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def wrk_rate(url: str, *, seconds: int, cookie: str | None = None, cpu=None):
    """Requests/s from `wrk -t2 -c8` for `seconds`, a note (p99, non-2xx responses), and,
    given ``cpu`` (a function returning CPU seconds used so far by the server and its
    database backends), the CPU milliseconds each request cost them."""
    headers = ["-H", f"Cookie: {cookie}"] if cookie else []
    sampler = _CpuSampler(cpu) if cpu else None
    out = subprocess.run(  # noqa: S603 - fixed command line
        [shutil.which("wrk"), "-t2", "-c8", f"-d{seconds}s", "--latency", *headers, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    used = sampler.stop() if sampler else 0.0
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    done = int(re.search(r"(\d+) requests in", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    p99 = re.search(r"99%\s+(\S+)", out).group(1)
    note = f"p99 {p99}" + (f", non-2xx {non2xx.group(1)}" if non2xx else "")
    return rate, note, (used * 1000 / done if done else 0.0)


_TICKS = os.sysconf("SC_CLK_TCK")


def _process_cpu(pid: int) -> float:
    """User + system CPU seconds of a live process (Linux /proc), 0 once it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0  # gone: the sampler keeps what it last saw
    return (int(fields[11]) + int(fields[12])) / _TICKS


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    parent = int(stat.read().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
            if parent == pid:
                found.append(int(entry))
    return found


class _CpuSampler:
    """CPU seconds used by a set of processes from now until `stop()`. Sampled every 0.2 s,
    because processes come and go meanwhile (a database backend closes after CONN_MAX_AGE and
    takes its counters with it): each counts up to the last time it was seen."""

    def __init__(self, cpu) -> None:
        self.cpu, self.start = cpu, cpu()
        self.last = dict(self.start)
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.done.wait(0.2):
            self._sample()

    def _sample(self) -> None:
        for pid, used in self.cpu().items():
            self.last[pid] = max(used, self.last.get(pid, 0.0))

    def stop(self) -> float:
        self.done.set()
        self.thread.join()
        self._sample()
        return sum(used - self.start.get(pid, 0.0) for pid, used in self.last.items())


def server_cpu(server_pid: int, *, database: str):
    """A function giving {pid: CPU seconds used so far} for a gunicorn master, its workers and
    the PostgreSQL backends connected to `database` (all on this machine)."""
    import psycopg2

    def backends() -> list[int]:
        conn = psycopg2.connect(dbname="postgres", user="postgres", host="127.0.0.1")
        try:
            with conn.cursor() as cursor:
                cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", [database])
                return [pid for (pid,) in cursor.fetchall()]
        finally:
            conn.close()

    def used() -> dict[int, float]:
        pids = [server_pid, *_children(server_pid), *backends()]
        return {pid: _process_cpu(pid) for pid in pids}

    return used


def portal_gunicorn(port: int) -> list[str]:
    address = f"127.0.0.1:{port}"
    return [GUNICORN, "portal.wsgi", "-w", "3", "-b", address, "--log-level", "warning"]


def throughput(urls: list[tuple[str, str]], *, seconds: int) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = os.environ.copy()
    with served(portal_gunicorn(port), cwd=BASE_DIR, env=env, health_url=base + "/healthz"):
        wrk = shutil.which("wrk")
        tool = "wrk -t2 -c8" if wrk else "python loop, 8 threads"
        print(f"\nrequests/s, anonymous, gunicorn 3 workers, {seconds} s each ({tool})")
        for label, path in urls:
            for _ in range(20):
                urllib.request.urlopen(base + path).read()  # noqa: S310 - loopback, warm-up
            if wrk:
                rate, note, _ = wrk_rate(base + path, seconds=seconds)
                print(f"  {label:<44}{rate:>8.1f} req/s  ({note})")
            else:
                rate = python_load(base + path, seconds=seconds)
                print(f"  {label:<44}{rate:>8.1f} req/s")


# --- --peer: the same signed-in pages against django-machina --------------------------------

PEER_PAGES = {
    "group": ("forum page", "/forum/forum/partners-1/"),
    "thread": ("topic page, 500 posts, 15 shown", "/forum/forum/partners-1/topic/topic-0-1/"),
}
PEER_SESSION = """
from django.contrib.auth import get_user_model, HASH_SESSION_KEY, SESSION_KEY, BACKEND_SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
user = get_user_model().objects.get(username="user0")
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
print(session.session_key)
"""


def _peer_env(args) -> dict:
    return {
        **{k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")},
        "DATABASE_URL": args.peer_database_url,
        "DJANGO_SETTINGS_MODULE": "settings",
        "PYTHONPATH": str(args.peer_dir),
    }


def _fetch(url: str, cookie: str) -> str:
    request = urllib.request.Request(url, headers={"Cookie": cookie})  # noqa: S310 - loopback
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
        return response.read().decode()


def compare_with_peer(args, *, member, group_url: str, thread_url: str) -> None:
    """Both servers up, a member session on each, wrk on each in turn, `rounds` times."""
    from django.test import Client

    peer_python = str(Path(args.peer_venv) / "bin/python")
    if not Path(peer_python).exists():
        sys.exit(f"no peer venv at {args.peer_venv}: run {args.peer_dir}/setup.sh first")
    peer_env = _peer_env(args)
    peer_key = subprocess.run(  # noqa: S603 - fixed command line
        [peer_python, "-c", "import django; django.setup()\n" + PEER_SESSION],
        cwd=args.peer_dir,
        env=peer_env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()[-1]
    client = Client()
    client.force_login(member)
    portal_cookie = f"sessionid={client.cookies['sessionid'].value}"
    peer_cookie = f"sessionid={peer_key}"

    port = free_port()
    portal = f"http://127.0.0.1:{port}"
    peer = f"http://127.0.0.1:{args.peer_port}"
    peer_gunicorn, address = (
        str(Path(args.peer_venv) / "bin/gunicorn"),
        f"127.0.0.1:{args.peer_port}",
    )
    peer_command = [peer_gunicorn, "wsgi_app", "-w", "3", "-b", address, "--log-level", "warning"]
    pairs = {
        "group": ("group page, signed-in", group_url),
        "thread": ("thread page (500 replies, 50 shown), signed-in", thread_url),
    }
    rates = {(kind, side): [] for kind in pairs for side in ("portal", "peer")}
    costs = {(kind, side): [] for kind in pairs for side in ("portal", "peer")}
    with (
        served(
            portal_gunicorn(port),
            cwd=BASE_DIR,
            env=os.environ.copy(),
            health_url=portal + "/healthz",
        ) as portal_server,
        served(
            peer_command, cwd=args.peer_dir, env=peer_env, health_url=peer + "/hello/"
        ) as peer_server,
    ):
        cpu = {
            "portal": server_cpu(portal_server.pid, database=DATABASE),
            "peer": server_cpu(peer_server.pid, database=args.peer_database_url.rsplit("/", 1)[1]),
        }
        for kind, (_label, path) in pairs.items():
            page = _fetch(portal + path, portal_cookie)
            assert "Sign out" in page, "the portal session is not signed in"
            peer_page = _fetch(peer + PEER_PAGES[kind][1], peer_cookie)
            assert "user0" in peer_page, "the machina session is not signed in"
            for _ in range(20):  # warm-up: every worker loads its templates and caches
                _fetch(portal + path, portal_cookie)
                _fetch(peer + PEER_PAGES[kind][1], peer_cookie)
        loads = [os.getloadavg()[0]]
        for round_ in range(args.rounds):
            for kind, (_label, path) in pairs.items():
                sides = [("portal", portal + path, portal_cookie)]
                sides.append(("peer", peer + PEER_PAGES[kind][1], peer_cookie))
                for side, url, cookie in sides if round_ % 2 == 0 else sides[::-1]:
                    rate, note, cost = wrk_rate(
                        url, seconds=args.seconds, cookie=cookie, cpu=cpu[side]
                    )
                    rates[kind, side].append(rate)
                    costs[kind, side].append(cost)
                    print(
                        f"  round {round_ + 1} {kind:<7}{side:<8}{rate:>8.1f} req/s  "
                        f"{cost:>6.1f} ms CPU/request  ({note})"
                    )
            loads.append(os.getloadavg()[0])

    in_process = time_pages(
        [(label, path) for label, path in pairs.values()],
        requests=args.requests,
        member=member,
        viewers=["member"],
    )
    print(
        f"\nsigned-in pages, gunicorn -w 3 each, wrk -t2 -c8 {args.seconds} s, "
        f"median of {args.rounds} interleaved rounds; load average (1 min) during the run "
        f"{min(loads):.2f}-{max(loads):.2f} on {os.cpu_count()} cores"
    )
    print(
        "CPU/request: CPU time of the server's processes and of its PostgreSQL backends during "
        "the wrk runs, divided by the requests served (what a page costs the machine, whatever "
        "else runs on it)"
    )
    print(
        "| page | portal req/s | machina req/s | ratio | CPU ms/request portal / machina "
        "| ratio | portal in-process p50 / p95 ms | queries |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for kind, (label, _path) in pairs.items():
        mine = statistics.median(rates[kind, "portal"])
        theirs = statistics.median(rates[kind, "peer"])
        my_cost = statistics.median(costs[kind, "portal"])
        their_cost = statistics.median(costs[kind, "peer"])
        p50, p95, queries = in_process[label, "member"]
        print(
            f"| {label} | {mine:.1f} | {theirs:.1f} ({PEER_PAGES[kind][0]}) | "
            f"{mine / theirs:.1f}x | {my_cost:.1f} / {their_cost:.1f} | "
            f"{their_cost / my_cost:.1f}x | {p50:.1f} / {p95:.1f} | {queries} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=10_000)
    parser.add_argument("--replies", type=int, default=500)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--database", default=DATABASE, help="the benchmark's own database")
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    parser.add_argument("--peer", action="store_true", help="compare with django-machina")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--peer-dir", type=Path, default=BASE_DIR.parent / "shared/peers/machina")
    parser.add_argument(
        "--peer-venv",
        default=Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "peers/machina",
    )
    parser.add_argument(
        "--peer-database-url", default="postgres://postgres@127.0.0.1:5432/peer_machina"
    )
    parser.add_argument("--peer-port", type=int, default=8402)
    args = parser.parse_args()
    try:
        run(args)
    finally:
        if args.drop:
            from django.db import connections

            connections.close_all()
            drop_database(name=DATABASE)


def run(args) -> None:

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
    if args.peer:
        compare_with_peer(args, member=member, group_url=group_url, thread_url=thread_url)
        return
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
