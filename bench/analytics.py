"""/analytics/ and the partner scorecards at scale, run by hand (never in the test suite).

    .venv/bin/python bench/analytics.py [--registrations 1000000] [--companies 10000] [--rounds 50]

Uses PostgreSQL database ``portal_bench_analytics`` (override with DATABASE_URL). It seeds with
bench/deals.py's ``seed`` (N registrations over M companies, one year of history), spreads the
companies over ten countries and the three tiers, then times with a warm cache:

* building the deal rollups from nothing (the nightly rebuild), the ten-minute refresh and the
  one-day rebuild that follows a submission or a staff decision;
* /analytics/ for the last full quarter by month, as program staff (Django's test client,
  in-process): the default country breakdown, by tier with a country filter, and by week;
* the same quarter by competency and by group (the per-competency and per-group rollups), and
  by competency within a group, which no rollup covers (read from the registrations themselves),
  to show what the rollups save;
* the nightly scorecard computation over every company.

It prints p50/p95/max in milliseconds, the query count, the process's CPU time per request
(less sensitive to a busy machine than the wall clock), a small page as a baseline for the
machine's load, and the load average. It asserts nothing about time.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench._common import create_database_if_missing  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench_analytics")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
os.environ.setdefault("EMAIL_URL", "memorymail://")
# The bench signs staff in with force_login: no second-factor step in between.
os.environ.setdefault("MFA_REQUIRED_ROLES", "")

COUNTRIES = ["DE", "FR", "GB", "US", "NL", "ES", "IT", "JP", "AU", "BR"]


def spread_companies() -> None:
    from django.db import connection

    countries = "ARRAY[" + ",".join(f"'{code}'" for code in COUNTRIES) + "]"
    with connection.cursor() as cursor:
        cursor.execute(
            f"""UPDATE directory_company SET
                  hq_country = ({countries})[id % {len(COUNTRIES)} + 1],
                  tier = (ARRAY['registered','registered','certified','gold'])[id % 4 + 1]
                WHERE hq_country = 'DE' AND slug LIKE 'bench-partner-%%'"""  # noqa: S608
        )


BENCH_COMPETENCIES = ["Cloud Migration", "Kubernetes", "Data Platform", "Security", "SAP", "AI"]


def spread_competencies() -> None:
    """Give every registration one competency and every third a second one (once)."""
    from django.db import connection

    from directory.models import Competency

    ids = [
        Competency.objects.get_or_create(
            slug=name.lower().replace(" ", "-"), defaults={"name": name}
        )[0].pk
        for name in BENCH_COMPETENCIES
    ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM deals_dealregistration_competencies LIMIT 1")
        if cursor.fetchone() is not None:
            return
        print("naming competencies on the registrations …", flush=True)
        array = "ARRAY[" + ",".join(str(pk) for pk in ids) + "]"
        cursor.execute(
            f"""INSERT INTO deals_dealregistration_competencies (dealregistration_id, competency_id)
                SELECT id, ({array})[id % {len(ids)} + 1] FROM deals_dealregistration
                UNION ALL
                SELECT id, ({array})[(id + 1) % {len(ids)} + 1] FROM deals_dealregistration
                WHERE id % 3 = 0"""  # noqa: S608
        )
        cursor.execute("ANALYZE deals_dealregistration_competencies")


def bench_group() -> None:
    """One group, so that a group filter has something to name."""
    from groups.models import Group

    Group.objects.get_or_create(slug="bench-group", defaults={"name": "Bench group"})


def timed(
    label: str, runs: list[float], queries: int | None = None, cpu: list[float] | None = None
) -> None:
    runs_ms = sorted(run * 1000 for run in runs)
    p95 = runs_ms[max(0, int(len(runs_ms) * 0.95) - 1)]
    extra = f"   {queries} queries" if queries is not None else ""
    if cpu:
        extra += f"   cpu p50 {statistics.median(cpu) * 1000:.1f} ms"
    print(
        f"{label:<52} p50 {statistics.median(runs_ms):8.1f} ms   p95 {p95:8.1f} ms   "
        f"max {runs_ms[-1]:8.1f} ms   (n={len(runs_ms)}){extra}",
        flush=True,
    )


def last_full_quarter(today: date) -> tuple[date, date]:
    first_this = today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1)
    end = first_this - timedelta(days=1)
    return end.replace(month=(end.month - 1) // 3 * 3 + 1, day=1), end


def measure(*, rounds: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from analytics import rollup, services
    from portal.models import User

    started = time.perf_counter()
    rows = rollup.deal_rollup_refresh()
    timed(f"rollup: full rebuild ({rows:,} rows)", [time.perf_counter() - started])
    started = time.perf_counter()
    rollup.deal_rollup_refresh(since=timezone.localdate() - timedelta(days=rollup.RECENT_DAYS))
    timed("rollup: ten-minute refresh (last 7 days)", [time.perf_counter() - started])
    runs = []
    for _ in range(5):
        started = time.perf_counter()
        rollup.deal_rollup_refresh_day(day=timezone.localdate())
        runs.append(time.perf_counter() - started)
    timed("rollup: one day (after each submission or decision)", runs)

    client = Client()
    client.force_login(User.objects.get(email="bench-staff@example.com"))
    start, end = last_full_quarter(timezone.localdate())
    quarter = {"from": start.isoformat(), "to": end.isoformat(), "currency": "EUR"}
    cases = [
        ("baseline: /analytics/scorecards/rules/ (a small form)", None, rounds),
        ("/analytics/ quarter by month, by country", {"period": "month"}, rounds),
        ("/analytics/ quarter by month, by tier, country=FR",
         {"period": "month", "breakdown": "tier", "country": "FR"}, rounds),
        ("/analytics/ quarter by week, by country", {"period": "week"}, rounds),
        ("/analytics/ quarter by quarter, by country", {"period": "quarter"}, rounds),
        ("/analytics/ quarter by month, by competency",
         {"period": "month", "breakdown": "competency"}, rounds),
        ("/analytics/ quarter by month, by group",
         {"period": "month", "breakdown": "group"}, rounds),
        ("/analytics/ quarter by month, competency=kubernetes",
         {"period": "month", "competency": "kubernetes"}, rounds),
        ("/analytics/ by competency within a group (live)",
         {"period": "month", "breakdown": "competency", "group": "bench-group"},
         max(3, rounds // 10)),
    ]  # fmt: skip
    for label, params, count in cases:
        url = "/analytics/scorecards/rules/" if params is None else "/analytics/"
        params = {**quarter, **(params or {})}
        assert client.get(url, params).status_code == 200  # warm
        runs, cpu = [], []
        for _ in range(count):
            began, began_cpu = time.perf_counter(), time.process_time()
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url, params)
            runs.append(time.perf_counter() - began)
            cpu.append(time.process_time() - began_cpu)
            assert response.status_code == 200
        timed(label, runs, len(captured), cpu)

    started = time.perf_counter()
    written = services.scorecards_compute()
    timed(
        f"scorecards: nightly computation ({written:,} companies)", [time.perf_counter() - started]
    )
    began = time.perf_counter()
    response = client.get("/analytics/scorecards/")
    timed("/analytics/scorecards/ league table", [time.perf_counter() - began])
    assert response.status_code == 200
    print(f"load average: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} "
          f"{os.getloadavg()[2]:.2f} on {os.cpu_count()} CPUs")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registrations", type=int, default=1_000_000)
    parser.add_argument("--companies", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args()
    name = os.environ["DATABASE_URL"].rsplit("/", 1)[1]
    create_database_if_missing(name=name)
    import django

    django.setup()
    from bench.deals import seed

    seed(registrations=args.registrations, companies=args.companies)
    spread_companies()
    spread_competencies()
    bench_group()
    measure(rounds=args.rounds)


if __name__ == "__main__":
    main()
