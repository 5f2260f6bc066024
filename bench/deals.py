"""Deal registration at scale, run by hand (never in the test suite).

    .venv/bin/python bench/deals.py [--registrations 1000000] [--companies 10000] [--rounds 500]

Uses PostgreSQL database ``portal_bench_deals`` (override with DATABASE_URL), creates and
migrates it when needed and tops it up to N registrations over M companies in one
``INSERT ... SELECT generate_series`` (about 300,000 distinct customers, so a customer has three
or so registrations over time; 5 % submitted, 8 % approved and protected with one approval per
customer domain, the rest won, lost, expired, rejected or draft). Then it times, with a warm
cache:

* the conflict check at submit (``deals.selectors.registration_has_conflict``: active
  registrations of other companies with the same registrable domain or normalized name), for
  customers already registered and for new ones;
* the whole ``deal_submit`` service (row lock, conflict check, influence rule, audit row), each
  run rolled back so the data stays as seeded;
* the staff review queue selector (the oldest 200 pending, grouped with their conflicts).

It prints p50/p95/max in milliseconds and the machine's load, and asserts nothing about time.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench._common import create_database_if_missing  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench_deals")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
os.environ.setdefault("EMAIL_URL", "memorymail://")

CUSTOMERS = 300_000
SUFFIXES = ["com", "de", "co.uk", "fr", "com.au", "nl", "io", "co.jp"]


def seed(*, registrations: int, companies: int) -> None:
    """Top the database up to ``companies`` companies and ``registrations`` registrations."""
    from django.core.management import call_command
    from django.db import connection, transaction

    from directory.models import Company, Competency
    from portal.models import User

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    have = Company.objects.count()
    if have < companies:
        print(f"creating {companies - have:,} companies …", flush=True)
        Company.objects.bulk_create(
            (
                Company(name=f"Bench Partner {index}", slug=f"bench-partner-{index}",
                        hq_country="DE")
                for index in range(have, companies)
            ),
            batch_size=2000,
        )  # fmt: skip
    Competency.objects.get_or_create(slug="cloud-migration", defaults={"name": "Cloud Migration"})
    User.objects.get_or_create(
        email="bench-staff@example.com", defaults={"is_staff": True, "display_name": "Staff"}
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM deals_dealregistration")
        (existing,) = cursor.fetchone()
    if existing >= registrations:
        print(f"{existing:,} registrations present; no seeding needed")
        return
    print(f"inserting {registrations - existing:,} registrations …", flush=True)
    suffixes = "ARRAY[" + ",".join(f"'{s}'" for s in SUFFIXES) + "]"
    # One approved registration per customer at most: only the customer's first registration
    # (i < CUSTOMERS) may be approved.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM directory_company")
        low, high = cursor.fetchone()
        # Only the module's own constants are formatted into the statement.
        cursor.execute(
            f"""
            WITH numbered AS (
                SELECT i, i %% {CUSTOMERS} AS customer, (hashtext(i::text) & 1023) AS roll,
                       now() - ((i %% 365) || ' days')::interval AS created
                FROM generate_series(%s, %s) AS i
            ), rows AS (
                SELECT *, CASE WHEN roll < 50 THEN 'submitted'
                     WHEN roll < 130 AND i < {CUSTOMERS} THEN 'approved'
                     WHEN roll < 400 THEN 'won' WHEN roll < 650 THEN 'lost'
                     WHEN roll < 850 THEN 'expired' WHEN roll < 1000 THEN 'rejected'
                     ELSE 'draft' END AS status
                FROM numbered
            )
            INSERT INTO deals_dealregistration (
                company_id, customer_name, customer_name_key, customer_domain,
                customer_registrable_domain, country, value, currency, description, status,
                rejection_reason, submitted_at, decided_at, approved_at, protected_until,
                closed_at, is_influenced, influence_evidence, has_conflict, created_at, updated_at
            )
            SELECT
                %s + (hashtext('c' || i::text) & 2147483647) %% (%s - %s + 1),
                'Customer ' || customer || ' Ltd', 'customer ' || customer,
                'www.customer' || customer || '.' || ({suffixes})[customer %% 8 + 1],
                'customer' || customer || '.' || ({suffixes})[customer %% 8 + 1],
                'DE', (roll * 1000)::numeric, 'EUR', '', status,
                CASE WHEN status = 'rejected' THEN 'Not a fit.' ELSE '' END,
                CASE WHEN status <> 'draft' THEN created END,
                CASE WHEN status NOT IN ('draft', 'submitted') THEN created END,
                CASE WHEN status IN ('approved', 'won', 'lost', 'expired') THEN created END,
                CASE WHEN status = 'approved' THEN now() + interval '30 days'
                     WHEN status IN ('won', 'lost', 'expired')
                     THEN created + interval '90 days' END,
                CASE WHEN status IN ('won', 'lost') THEN created END,
                roll %% 3 = 0, '', false, created, created
            FROM rows
            """,  # noqa: S608
            [existing, registrations - 1, low, high, low],
        )
        cursor.execute("ANALYZE deals_dealregistration")
    print(f"seeded in {time.perf_counter() - started:.0f} s", flush=True)


def timed(label: str, runs: list[float]) -> None:
    runs_ms = sorted(run * 1000 for run in runs)
    p95 = runs_ms[max(0, int(len(runs_ms) * 0.95) - 1)]
    print(
        f"{label:<58} p50 {statistics.median(runs_ms):7.2f} ms   p95 {p95:7.2f} ms   "
        f"max {runs_ms[-1]:7.2f} ms   (n={len(runs_ms)})"
    )


def measure(*, rounds: int) -> None:
    from django.db import transaction

    from deals import selectors, services
    from deals.customers import customer_host, customer_name_key, registrable_domain
    from deals.models import DealRegistration
    from directory.models import Company, Competency
    from portal.models import User

    rng = random.Random(7)
    company_ids = list(Company.objects.values_list("pk", flat=True))
    competency = Competency.objects.get(slug="cloud-migration")
    staff = User.objects.get(email="bench-staff@example.com")
    print(f"{DealRegistration.objects.count():,} registrations, {len(company_ids):,} companies, "
          f"{DealRegistration.objects.active().count():,} active")  # fmt: skip

    def conflict_check(customer: int, company_id: int) -> bool:
        # What submit does: the customer's keys from what was typed, then one indexed query.
        domain = registrable_domain(
            customer_host(f"sales.customer{customer}.{SUFFIXES[customer % 8]}")
        )
        return selectors.customer_conflicts(
            company_id=company_id,
            registrable_domain=domain,
            name_key=customer_name_key(f"CUSTOMER {customer}, Inc."),
        ).exists()

    for label, pick in (
        ("conflict check, customer already registered", lambda: rng.randrange(CUSTOMERS)),
        ("conflict check, new customer", lambda: CUSTOMERS + rng.randrange(10**6)),
    ):
        for _ in range(20):  # warm-up
            conflict_check(pick(), rng.choice(company_ids))
        runs = []
        for _ in range(rounds):
            customer, company_id = pick(), rng.choice(company_ids)
            start = time.perf_counter()
            conflict_check(customer, company_id)
            runs.append(time.perf_counter() - start)
        timed(label, runs)

    plan = selectors.customer_conflicts(
        company_id=company_ids[0], registrable_domain="customer42.io", name_key="customer 42"
    ).explain(analyze=True)
    print("  plan: " + " | ".join(
        line.strip() for line in plan.splitlines() if "Scan" in line or "Execution" in line
    ))  # fmt: skip

    runs = []
    for index in range(rounds):
        customer = rng.randrange(CUSTOMERS * 2)
        company_id = rng.choice(company_ids)
        try:
            with transaction.atomic():
                draft = DealRegistration.objects.create(
                    company_id=company_id,
                    customer_name=f"Customer {customer} GmbH",
                    customer_domain=f"eu.customer{customer}.{SUFFIXES[customer % 8]}",
                    country="DE",
                    value=1000,
                )
                draft.competencies.add(competency)
                start_outer = time.perf_counter()
                services.deal_submit(registration=draft, actor=staff)
                runs.append(time.perf_counter() - start_outer)
                raise _Rollback
        except _Rollback:
            pass
        if index == 0:
            runs.clear()  # warm-up
    timed("deal_submit service (lock, conflicts, influence, audit)", runs)

    runs = []
    for _ in range(max(5, rounds // 50)):
        start = time.perf_counter()
        groups = selectors.review_queue(viewer=staff, filters=selectors.ReviewFilters())
        runs.append(time.perf_counter() - start)
    timed(f"review queue, oldest 200 pending grouped ({len(groups)} groups)", runs)
    load = os.getloadavg()
    print(f"load average: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} CPUs")


class _Rollback(Exception):
    pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registrations", type=int, default=1_000_000)
    parser.add_argument("--companies", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=500)
    args = parser.parse_args()
    name = os.environ["DATABASE_URL"].rsplit("/", 1)[1]
    create_database_if_missing(name=name)
    import django

    django.setup()
    seed(registrations=args.registrations, companies=args.companies)
    measure(rounds=args.rounds)


if __name__ == "__main__":
    main()
