# ruff: noqa: S608, E501 - SQL text built from this file's own constants, never from input
"""Directory search latency at scale, run by hand (never in the test suite).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench \\
    REDIS_URL=redis://127.0.0.1:6379/11 .venv/bin/python bench/directory.py --companies 100000

Creates the database and migrates it when needed, tops it up to N companies with set-based
INSERT ... SELECT statements (directory.seeding.seed_companies is not used: generating rows inside
PostgreSQL is what makes 1,000,000 take minutes), reindexes, then times /api/v1/partners/ and
/directory/ in-process with Django's test client over a fixed query mix. It prints p50/p95/p99
per query kind with a warm facet cache (the normal case: facet counts are cached until a write
invalidates them) and with a cold one (every request recomputes its facets), and the SQL query
count of each request. It asserts nothing about time.

    --cold            every request a search not asked before (random words from the seeded
                      vocabulary, random facet combinations, sort and page), facet cache
                      forgotten before each; beside each kind the raw floor: the same search as
                      plain SQL (top 20, count, exact facet counts) on a flat copy of the data
                      with GIN indexes, timed in the same run; the CPU time this process
                      spent on the request (its Python), less disturbed by other load; the
                      time spent in SQL statements (sent to answer) and how many there were.
    --debug           time in-process with DEBUG on (default off, as in production).
    --concurrency N   the same cold searches from N client threads against gunicorn -w 3
                      (started here on 127.0.0.1:8799, DEBUG off), wall time per request.
    --typos           a few misspelt searches ("kubernets", "microsfot azur"): what they find.
    --no-prewarm      skip reading the database's files into the operating system's cache
                      before timing. By default they are read first (pg_prewarm, 'read' mode:
                      the OS cache, not PostgreSQL's buffers), as a portal in use has them: the
                      machines these runs are made on page out file cache left unread for 60 s
                      (DAMON, /sys/kernel/mm/damon), so a run after a pause timed disk reads
                      (20 company rows for a page of cards: 120 ms).
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
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench")
os.environ.setdefault("LOG_LEVEL", "ERROR")
# The API throttles a visitor by address (AnonRateThrottle; portal.ratelimits.MemberRateThrottle
# counts signed-in members only); run() sends each request from its own address so the throttle
# never refuses the benchmark while it still does its normal cache work, as for real visitors.

COMPETENCIES = [
    "Azure",
    "AWS",
    "Google Cloud",
    "Kubernetes",
    "Security",
    "Identity",
    "Data & AI",
    "Machine Learning",
    "Analytics",
    "Modern Workplace",
    "Teams",
    "Dynamics 365",
    "SAP",
    "Salesforce",
    "DevOps",
    "Networking",
    "Backup & Recovery",
    "Migration",
    "Managed Services",
    "Licensing",
    "IoT",
    "Edge Computing",
    "Databases",
    "Low Code",
    "Power BI",
    "ERP",
    "CRM",
    "Compliance",
    "Training",
    "Support",
]
INDUSTRIES = [
    "Banking",
    "Insurance",
    "Retail",
    "Healthcare",
    "Public Sector",
    "Manufacturing",
    "Energy",
    "Telecommunications",
    "Education",
    "Logistics",
    "Media",
    "Hospitality",
]
COUNTRIES = [
    "DE",
    "US",
    "GB",
    "FR",
    "NL",
    "ES",
    "IT",
    "SE",
    "CH",
    "AT",
    "PL",
    "DK",
    "NO",
    "FI",
    "BE",
    "IE",
    "PT",
    "CZ",
    "CA",
    "AU",
    "IN",
    "SG",
    "JP",
    "BR",
    "MX",
    "ZA",
    "AE",
    "NZ",
    "IL",
    "TR",
]
FIRST = [
    "Nordic",
    "Atlantic",
    "Blue",
    "Summit",
    "Bright",
    "Iron",
    "Silver",
    "Cedar",
    "Harbor",
    "Lumen",
    "Zürich",
    "Alpine",
    "Pacific",
    "Crimson",
    "Vertex",
    "Orbit",
    "Maple",
    "Granite",
    "Sapphire",
    "Quantum",
    "Meridian",
    "Aurora",
    "Falcon",
    "Polar",
    "Coral",
    "Evergreen",
    "Pioneer",
    "Keystone",
    "Beacon",
    "Horizon",
    "Münster",
    "Córdoba",
]
SECOND = [
    "Cloud",
    "Data",
    "Systems",
    "Consulting",
    "Labs",
    "Solutions",
    "Digital",
    "Analytics",
    "Networks",
    "Security",
    "Software",
    "Partners",
    "Works",
    "Group",
    "Technologies",
    "IT",
]
SENTENCES = [
    "We help mid-size companies move to the cloud and run it securely.",
    "Certified engineers for migrations, managed services and round-the-clock support.",
    "Data platforms, dashboards and machine learning that pay for themselves.",
    "From licensing advice to complete modern workplace rollouts.",
    "Identity, compliance and zero-trust networking for regulated industries.",
    "Custom integrations between ERP, CRM and e-commerce systems.",
    "Training programmes and adoption coaching for your teams.",
    "Edge and IoT solutions for factories, fleets and warehouses.",
]


def sql_array(values: list[str]) -> str:
    quoted = ",".join("'" + v.replace("'", "''") + "'" for v in values)
    return f"ARRAY[{quoted}]::text[]"


def seed(target: int) -> None:
    """Top the directory up to ``target`` companies with set-based inserts inside PostgreSQL."""
    from django.core.management import call_command
    from django.db import connection, transaction

    from directory.facet_cache import facet_cache_invalidate
    from directory.models import Company, Competency, Industry
    from directory.services.search_index import company_search_reindex

    call_command("migrate", verbosity=0)
    have = Company.objects.count()
    if have >= target:
        print(f"{have:,} companies present; no seeding needed")
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM directory_search_word")
            if not cursor.fetchone()[0]:
                from directory.services.search_index import search_vocabulary_refresh

                search_vocabulary_refresh()
        return
    started = time.perf_counter()
    for name in COMPETENCIES:
        Competency.objects.get_or_create(
            slug=name.lower().replace(" & ", "-").replace(" ", "-"), defaults={"name": name}
        )
    for name in INDUSTRIES:
        Industry.objects.get_or_create(slug=name.lower().replace(" ", "-"), defaults={"name": name})
    first_new = (Company.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    chunk = 100_000
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(have, target, chunk):
            end = min(start + chunk, target) - 1
            cursor.execute(
                f"""
                INSERT INTO directory_company (
                    name, slug, description, logo, website, hq_country, hq_region, hq_city,
                    size_band, founded, languages, tier, details_visibility,
                    offerings_visibility, contacts_visibility, reviews_visibility,
                    rating_average, rating_count, profile_completeness, created_at, updated_at)
                SELECT
                    f.w || ' ' || s.w || CASE WHEN g % 997 = 0 THEN ' Quokka' ELSE '' END
                        || ' ' || g,
                    'bench-' || g,
                    d.s || ' ' || e.s,
                    '', 'https://example.com/' || g,
                    ({sql_array(COUNTRIES)})[1 + (hashint4(g) & 2147483647) % 30],
                    '', '', '11-50', 1990 + g % 30, '[]'::jsonb,
                    (ARRAY['registered','registered','registered','certified','certified',
                           'gold'])[1 + (hashint4(g + 7) & 2147483647) % 6],
                    (ARRAY['public','public','public','members','hidden'])[1 + g % 5],
                    'public', 'members', 'public',
                    CASE WHEN g % 3 = 0 THEN NULL
                         ELSE round((1 + ((hashint4(g + 3) & 2147483647) % 400) / 100.0)::numeric, 2)
                    END,
                    CASE WHEN g % 3 = 0 THEN 0 ELSE 1 + g % 40 END,
                    50 + g % 50,
                    now() - (g % 3650) * interval '1 day',
                    now()
                FROM generate_series({start}, {end}) AS g
                CROSS JOIN LATERAL (SELECT ({sql_array(FIRST)})[1 + (hashint4(g + 11) & 2147483647) % {len(FIRST)}] AS w) f
                CROSS JOIN LATERAL (SELECT ({sql_array(SECOND)})[1 + (hashint4(g + 13) & 2147483647) % {len(SECOND)}] AS w) s
                CROSS JOIN LATERAL (SELECT ({sql_array(SENTENCES)})[1 + g % {len(SENTENCES)}] AS s) d
                CROSS JOIN LATERAL (SELECT ({sql_array(SENTENCES)})[1 + (g / 7) % {len(SENTENCES)}] AS s) e
                """,
            )
            print(f"  companies {end + 1:,}/{target:,}", flush=True)
        new = f"c.id >= {int(first_new)}"
        cursor.execute(
            f"""INSERT INTO directory_companycountry (company_id, country, is_headquarters)
                SELECT id, hq_country, true FROM directory_company c WHERE {new}""",
        )
        cursor.execute(
            f"""INSERT INTO directory_companycountry (company_id, country, is_headquarters)
                SELECT c.id, x.code, false FROM directory_company c
                CROSS JOIN LATERAL (SELECT ({sql_array(COUNTRIES)})[1 + (c.id * 7) % 30] AS code) x
                WHERE {new} AND c.id % 5 < 2 AND x.code <> c.hq_country""",
        )
        cursor.execute(
            f"""INSERT INTO directory_companycompetency (company_id, competency_id, status,
                    verified_at, expires_at, created_at)
                SELECT DISTINCT ON (c.id, k.id) c.id, k.id,
                    CASE WHEN (c.id + n) % 3 = 0 THEN 'self_declared' ELSE 'verified' END,
                    CASE WHEN (c.id + n) % 3 = 0 THEN NULL ELSE now() END,
                    CASE WHEN (c.id + n) % 7 = 0 THEN now() - interval '1 day' END,
                    now()
                FROM directory_company c
                CROSS JOIN generate_series(0, 1 + c.id % 3) AS n
                JOIN directory_competency k ON k.id = (
                    SELECT min(id) FROM directory_competency) + (hashint4((c.id * 31 + n)::int)
                    & 2147483647) % {len(COMPETENCIES)}
                WHERE {new}
                ORDER BY c.id, k.id""",
        )
        cursor.execute(
            f"""INSERT INTO directory_company_industries (company_id, industry_id)
                SELECT DISTINCT c.id, i.id FROM directory_company c
                CROSS JOIN generate_series(0, c.id % 2) AS n
                JOIN directory_industry i ON i.id = (SELECT min(id) FROM directory_industry)
                    + (c.id + n * 5) % {len(INDUSTRIES)}
                WHERE {new}""",
        )
        cursor.execute(
            f"""INSERT INTO directory_offering (company_id, kind, name, description)
                SELECT id, 'service', 'Managed ' || split_part(name, ' ', 2) || ' Service',
                       'Run and support.'
                FROM directory_company c WHERE {new} AND c.id % 2 = 0""",
        )
    print(f"  related rows inserted in {time.perf_counter() - started:.0f} s", flush=True)
    reindex_started = time.perf_counter()
    company_search_reindex()
    print(f"  reindexed in {time.perf_counter() - reindex_started:.0f} s", flush=True)
    with connection.cursor() as cursor:
        # Each seeding statement refreshed the facet rows (and values) it touched, leaving dead
        # versions of every row; a real import (COPY with the bulk switch) writes each once.
        cursor.execute("VACUUM FULL directory_search_facets")
        cursor.execute("VACUUM FULL directory_search_facet_values")
        cursor.execute("VACUUM ANALYZE")
    facet_cache_invalidate()
    print(f"seeded {target - have:,} companies in {time.perf_counter() - started:.0f} s")


def query_mix() -> list[tuple[str, str]]:
    return [
        ("no query", ""),
        ("no query, page 50", "page=50"),
        ("no query, sort name, page 500", "sort=name&page=500"),
        ("frequent term", "q=cloud"),
        ("frequent term, page 20", "q=cloud&page=20"),
        ("two frequent terms", "q=managed+security"),
        ("rare term", "q=quokka"),
        ("prefix + accent", "q=zuri"),
        ("one facet", "competency=kubernetes"),
        ("three facets", "competency=azure&country=DE&tier=gold&verified=1"),
        ("facets, sort rating", "industry=banking&country=FR&sort=rating"),
        ("text + facets", "q=data&competency=security&country=US"),
        ("text + facet, newest", "q=cloud&industry=retail&sort=newest"),
    ]


# ---------------------------------------------------------------------------------------------
# Cold searches: each one not asked before, and the raw floor of the same search
# ---------------------------------------------------------------------------------------------

WORDS = sorted(
    {w.lower() for w in FIRST + SECOND}
    | {"managed", "migration", "support", "cloud", "data", "security", "engineers", "platforms"}
)
COLD_KINDS = (
    "no query",
    "one word",
    "two words",
    "one facet",
    "three facets",
    "text + competency + country",
    "deep page",
)


def cold_search(kind: str, rng) -> dict:
    """A random search of this kind: words from the seeded vocabulary, random facet values."""
    slug = lambda name: name.lower().replace(" & ", "-").replace(" ", "-")  # noqa: E731
    params: dict = {}
    if kind in ("one word", "text + competency + country"):
        params["q"] = rng.choice(WORDS)[: rng.randint(3, 8)]
    if kind == "two words":
        params["q"] = " ".join(rng.sample(WORDS, 2))
    if kind == "one facet":
        choice = rng.randrange(3)
        if choice == 0:
            params["competency"] = [slug(rng.choice(COMPETENCIES))]
        elif choice == 1:
            params["industry"] = [slug(rng.choice(INDUSTRIES))]
        else:
            params["country"] = [rng.choice(COUNTRIES)]
    if kind in ("three facets", "text + competency + country"):
        params["competency"] = [slug(c) for c in rng.sample(COMPETENCIES, rng.randint(1, 2))]
        params["country"] = [rng.choice(COUNTRIES)]
    if kind == "three facets":
        params["tier"] = rng.choice(["registered", "certified", "gold"])
        if rng.random() < 0.5:
            params["verified"] = "1"
    if kind == "deep page":
        params["sort"] = rng.choice(["name", "rating", "newest"])
        params["page"] = rng.randint(20, 150)
        params["country"] = [rng.choice(COUNTRIES)]
    else:
        params["page"] = rng.randint(1, 3)
    return params


def prewarm() -> None:
    """Read every table and index of the database into the operating system's cache."""
    from django.db import DatabaseError, connection, transaction

    started = time.perf_counter()
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
            cursor.execute(
                """SELECT coalesce(sum(pg_prewarm(c.oid::regclass, 'read')), 0)
                   FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                   WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'i', 't', 'm')"""
            )
            blocks = cursor.fetchone()[0]
    except DatabaseError as error:
        print(f"not prewarmed (pg_prewarm: {error}".strip() + ")")
        return
    print(
        f"read {blocks * 8 / 1024:,.0f} MB into the OS cache (pg_prewarm) in"
        f" {time.perf_counter() - started:.1f} s"
    )


def flat_copy() -> None:
    """The raw floor's data: one flat table with every searchable column and GIN indexes."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('bench_flat') IS NOT NULL")
        if cursor.fetchone()[0]:
            cursor.execute(
                "SELECT (SELECT count(*) FROM bench_flat) = (SELECT count(*) FROM directory_company)"
            )
            if cursor.fetchone()[0]:
                return  # built by an earlier run on the same data
        cursor.execute("DROP TABLE IF EXISTS bench_flat")
        # Built from the normalized tables alone, so the floor is the same before and after.
        cursor.execute(
            """CREATE TABLE bench_flat AS
               SELECT c.id, c.name, c.rating_average AS rating, c.search_vector AS vector, c.tier,
                   COALESCE((SELECT array_agg(k.competency_id) FROM directory_companycompetency k
                             WHERE k.company_id = c.id), '{}') AS claimed,
                   COALESCE((SELECT array_agg(k.competency_id) FROM directory_companycompetency k
                             WHERE k.company_id = c.id AND k.status = 'verified'
                               AND (k.expires_at IS NULL OR k.expires_at > now())), '{}')
                       AS verified,
                   COALESCE((SELECT array_agg(i.industry_id) FROM directory_company_industries i
                             WHERE i.company_id = c.id), '{}') AS industries,
                   COALESCE((SELECT array_agg(n.country) FROM directory_companycountry n
                             WHERE n.company_id = c.id
                               AND (n.is_headquarters OR c.details_visibility = 'public')), '{}')
                       AS countries
               FROM directory_company c"""
        )
        for column in ("claimed", "verified", "industries", "countries"):
            cursor.execute(f"CREATE INDEX ON bench_flat USING gin ({column})")
        cursor.execute("CREATE INDEX ON bench_flat (rating DESC NULLS LAST, name, id)")
        cursor.execute("VACUUM ANALYZE bench_flat")


def floor_ms(cursor, params: dict) -> float:
    """The same search as plain SQL on the flat table: top 20, count, exact facet counts."""
    from directory.models import Competency, Industry
    from directory.selectors.search.filters import search_terms

    where, args = [], []
    terms = search_terms(params.get("q", ""))
    if terms:
        where.append("vector @@ to_tsquery('portal_search', %s)")
        args.append(" & ".join(f"'{term}':*" for term in terms))
    claims = "verified" if params.get("verified") else "claimed"
    if params.get("competency"):
        ids = list(
            Competency.objects.filter(slug__in=params["competency"]).values_list("pk", flat=True)
        )
        where.append(f"{claims} && %s::bigint[]")
        args.append(ids)
    if params.get("industry"):
        ids = list(
            Industry.objects.filter(slug__in=params["industry"]).values_list("pk", flat=True)
        )
        where.append("industries && %s::bigint[]")
        args.append(ids)
    countries = "countries"
    if params.get("country"):
        where.append(f"{countries} && %s::varchar[]")
        args.append(params["country"])
    if params.get("tier"):
        where.append("tier = %s")
        args.append(params["tier"])
    condition = " AND ".join(where) or "true"
    offset = (params.get("page", 1) - 1) * 20
    started = time.perf_counter()
    cursor.execute(
        f"SELECT id FROM bench_flat WHERE {condition}"
        f" ORDER BY rating DESC NULLS LAST, name, id LIMIT 20 OFFSET {offset}",
        args,
    )
    cursor.fetchall()
    cursor.execute(
        f"""WITH m AS MATERIALIZED (SELECT {claims} AS c, industries AS i, {countries} AS n, tier
                                    FROM bench_flat WHERE {condition})
            SELECT 'c', x::text, count(*) FROM m, unnest(c) x GROUP BY x
            UNION ALL SELECT 'i', x::text, count(*) FROM m, unnest(i) x GROUP BY x
            UNION ALL SELECT 'n', x, count(*) FROM m, unnest(n) x GROUP BY x
            UNION ALL SELECT 't', tier, count(*) FROM m GROUP BY tier""",
        args,
    )
    cursor.fetchall()
    return (time.perf_counter() - started) * 1000


def run_cold(rounds: int, paths: list[str], seed_value: int = 10) -> None:
    """Each request a search not asked before, facet cache forgotten; the raw floor beside."""
    import random

    from django.db import connection
    from django.test import Client
    from django.utils.http import urlencode

    from directory.facet_cache import facet_cache_invalidate

    rng = random.Random(seed_value)
    client = Client()
    addresses = (f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}" for n in range(1, 1 << 24))
    raw = connection.cursor()
    raw.execute("SET jit = off")  # as the portal's own connections (portal/settings.py)
    raw.execute("SET work_mem = '16MB'")
    for path in paths:
        print(f"\n{path}  COLD: every search new  (load average {os.getloadavg()[0]:.1f})")
        print(
            f"  {'kind (ms)':30} {'p50':>7} {'p95':>7} {'floor p50':>10} {'floor p95':>10}"
            f" {'cpu p50':>8} {'cpu p95':>8} {'sql p50':>8} {'sql p95':>8} {'SQL':>5}"
        )
        every, every_floor, every_cpu, every_sql = [], [], [], []
        timer = _DatabaseTimer()
        # Untimed: a process's first request loads URL patterns, templates and translations,
        # which no search after it pays again.
        client.get(path, REMOTE_ADDR=next(addresses))
        for kind in COLD_KINDS:
            samples, floors, cpu, sql, statements = [], [], [], [], []
            for _ in range(rounds):
                params = cold_search(kind, rng)
                url = f"{path}?{urlencode(params, doseq=True)}"
                facet_cache_invalidate()
                timer.ms, timer.count = 0.0, 0
                with connection.execute_wrapper(timer):
                    started, cpu_started = time.perf_counter(), time.process_time()
                    response = client.get(url, REMOTE_ADDR=next(addresses))
                    # This process's CPU: the Python a request costs, which the machine's
                    # other load disturbs less than the wall time (the database's work is not
                    # in it).
                    cpu.append((time.process_time() - cpu_started) * 1000)
                    samples.append((time.perf_counter() - started) * 1000)
                sql.append(timer.ms)
                statements.append(timer.count)
                assert response.status_code in (200, 404), (url, response.status_code)
                floors.append(floor_ms(raw, params))
            every += samples
            every_floor += floors
            every_cpu += cpu
            every_sql += sql
            print(
                f"  {kind:30} {percentile(samples, 50):7.1f} {percentile(samples, 95):7.1f}"
                f" {percentile(floors, 50):10.1f} {percentile(floors, 95):10.1f}"
                f" {percentile(cpu, 50):8.1f} {percentile(cpu, 95):8.1f}"
                f" {percentile(sql, 50):8.1f} {percentile(sql, 95):8.1f}"
                f" {min(statements)}-{max(statements)}"
            )
        print(
            f"  {'ALL':30} {percentile(every, 50):7.1f} {percentile(every, 95):7.1f}"
            f" {percentile(every_floor, 50):10.1f} {percentile(every_floor, 95):10.1f}"
            f" {percentile(every_cpu, 50):8.1f} {percentile(every_cpu, 95):8.1f}"
            f" {percentile(every_sql, 50):8.1f} {percentile(every_sql, 95):8.1f}"
            f"  (load average {os.getloadavg()[0]:.1f})"
        )


def run_concurrent(clients: int, requests: int, paths: list[str]) -> None:
    """Cold searches from ``clients`` threads against gunicorn -w 3, wall time per request."""
    import random
    import subprocess
    import urllib.error
    import urllib.request

    from django.utils.http import urlencode

    port = 8799
    env = {**os.environ, **_production_like_env()}
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    server = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "-w",
            "3",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "portal.wsgi",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except OSError:  # not listening yet (URLError, refused, timed out)
                time.sleep(0.2)
        for path in paths:
            # Untimed, from every client, searches of every kind (others than those timed): a
            # worker's first search of a kind loads what no later one pays for again (URL
            # patterns, templates, translations, compiled queries). Nine plain requests did not:
            # the first 140 timed searches' p95 was then these first ones', 200-500 ms.
            warm_up = random.Random(clients + 1_000)
            _fetch_concurrently(
                clients,
                [
                    f"http://127.0.0.1:{port}{path}?"
                    + urlencode(cold_search(COLD_KINDS[n % len(COLD_KINDS)], warm_up), doseq=True)
                    for n in range(8 * len(COLD_KINDS))
                ],
            )
            rng = random.Random(clients)
            searches = [cold_search(COLD_KINDS[n % len(COLD_KINDS)], rng) for n in range(requests)]
            urls = [
                f"http://127.0.0.1:{port}{path}?" + urlencode(params, doseq=True)
                for params in searches
            ]
            samples, elapsed = _fetch_concurrently(clients, urls)
            print(
                f"\n{path}  {clients} clients, gunicorn -w 3, {requests} new searches"
                f" (load average {os.getloadavg()[0]:.1f}): p50 {percentile(samples, 50):.1f}"
                f" p95 {percentile(samples, 95):.1f} ms, {requests / elapsed:.0f} requests/s"
            )
    finally:
        server.terminate()
        server.wait()
    floors, elapsed = _concurrent_floor(clients, searches)
    print(
        f"  floor, the same searches as plain SQL from {clients} connections: p50"
        f" {percentile(floors, 50):.1f} p95 {percentile(floors, 95):.1f} ms,"
        f" {len(floors) / elapsed:.0f} searches/s"
    )


def _fetch_concurrently(clients: int, urls: list[str]) -> tuple[list[float], float]:
    """Each URL fetched by one of ``clients`` threads (a 404, a page past the end, is an
    answer): the milliseconds each took, and the seconds they took together."""
    import urllib.error
    import urllib.request

    def fetch(url: str) -> float:
        started = time.perf_counter()
        try:
            urllib.request.urlopen(url, timeout=60).read()  # noqa: S310 - our own server
        except urllib.error.HTTPError as error:
            if error.code != 404:
                raise
        return (time.perf_counter() - started) * 1000

    return _in_threads(clients, urls, fetch)


def _concurrent_floor(clients: int, searches: list[dict]) -> tuple[list[float], float]:
    """The raw floor of these searches from ``clients`` threads, each on its own connection
    (the portal's session settings), and the seconds they took together."""
    from django.db import connection

    flat_copy()

    def floor(params: dict) -> float:
        with connection.cursor() as cursor:
            return floor_ms(cursor, params)

    return _in_threads(clients, searches, floor, done=connection.close)


def _in_threads(clients: int, items: list, timed, *, done=None) -> tuple[list[float], float]:
    """``timed(item)`` (milliseconds) for every item, shared among ``clients`` threads (each
    calls ``done`` when through); the samples, and the seconds they took together."""
    import threading

    samples: list[float] = []
    lock = threading.Lock()

    def work(mine: list) -> None:
        for item in mine:
            ms = timed(item)
            with lock:
                samples.append(ms)
        if done is not None:
            done()

    threads = [threading.Thread(target=work, args=(items[n::clients],)) for n in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return samples, time.perf_counter() - started


def run_typos() -> None:
    """What a few misspelt searches find."""
    from django.test import Client

    client = Client()
    for q in ("kubernets", "microsfot azur", "secrity", "analitics"):
        body = client.get("/api/v1/partners/", {"q": q}, REMOTE_ADDR="10.9.9.9").json()
        print(f"  {q!r}: {body['count']} results, {body.get('search', {})}")


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


class _DatabaseTimer:
    """Adds up the wall time spent inside SQL statements (an execute_wrapper)."""

    def __init__(self) -> None:
        self.ms = 0.0
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.ms += (time.perf_counter() - started) * 1000


def run(rounds: int, paths: list[str], modes: list[str]) -> None:
    """Wall time per request, and beside it the web process's own CPU time and the time spent
    waiting on SQL: on a loaded machine wall time includes waiting for a core, the CPU column
    does not, so it shows what the request costs."""
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from directory.facet_cache import facet_cache_invalidate

    client = Client()
    addresses = (f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}" for n in range(1, 1 << 24))

    def get(url: str):
        return client.get(url, REMOTE_ADDR=next(addresses))

    mix = query_mix()
    timer = _DatabaseTimer()
    for path in paths:
        for mode in modes:
            print(f"\n{path}  facet cache {mode}  (load average {os.getloadavg()[0]:.1f})")
            print(
                f"  {'query (ms)':34} {'p50':>7} {'p95':>7} {'p99':>7}"
                f" {'cpu p50':>8} {'sql p50':>8} {'SQL':>4}"
            )
            everything: list[float] = []
            for label, query in mix:
                url = f"{path}?{query}"
                get(url)  # warm connection, caches and the buffer pool
                with CaptureQueriesContext(connection) as queries:
                    if mode == "cold":
                        facet_cache_invalidate()
                    response = get(url)
                assert response.status_code == 200, (url, response.status_code)
                sql_count = len(queries)
                samples, cpu, sql = [], [], []
                with connection.execute_wrapper(timer):
                    for _ in range(rounds if mode == "warm" else max(5, rounds // 5)):
                        if mode == "cold":
                            facet_cache_invalidate()
                        timer.ms = 0.0
                        started, started_cpu = time.perf_counter(), time.process_time()
                        get(url)
                        samples.append((time.perf_counter() - started) * 1000)
                        cpu.append((time.process_time() - started_cpu) * 1000)
                        sql.append(timer.ms)
                        reset_queries()
                everything += samples
                print(
                    f"  {label:34} {percentile(samples, 50):7.1f} {percentile(samples, 95):7.1f}"
                    f" {percentile(samples, 99):7.1f} {percentile(cpu, 50):8.1f}"
                    f" {percentile(sql, 50):8.1f} {sql_count:4}"
                )
            print(
                f"  {'ALL':34} {percentile(everything, 50):7.1f} "
                f"{percentile(everything, 95):7.1f} {percentile(everything, 99):7.1f}"
                f"   mean {statistics.mean(everything):.1f}"
            )


def _production_like_env() -> dict[str, str]:
    """What a production process differs by: DEBUG off (no query log, hashed static files
    collected where this run can write), no HTTPS redirect, the API's throttles out of reach."""
    import secrets

    return {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "SECURE_SSL_REDIRECT": "false",
        "API_ANON_RATE": "1000000/minute",
        "API_USER_RATE": "1000000/minute",
        "VAR_DIR": str(ROOT / "var" / "bench"),
    }


def _debug_off() -> None:
    """Time this process as production runs it: DEBUG off (Django then keeps no query log and
    templates skip their debug work), static files collected once."""
    import subprocess

    os.environ.update(_production_like_env())
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=os.environ,
        check=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--companies", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument(
        "--paths", default="/api/v1/partners/,/directory/", help="comma-separated paths to time"
    )
    parser.add_argument("--modes", default="warm,cold", help="facet cache states: warm,cold")
    parser.add_argument("--cold", action="store_true", help="every search new, floor beside")
    parser.add_argument("--concurrency", type=int, default=0, help="client threads (gunicorn)")
    parser.add_argument("--typos", action="store_true", help="what misspelt searches find")
    parser.add_argument(
        "--no-prewarm", action="store_true", help="time with the OS cache as a pause left it"
    )
    parser.add_argument(
        "--debug", action="store_true", help="time in-process with DEBUG on (default: off)"
    )
    args = parser.parse_args()
    if not args.debug:
        _debug_off()

    import django
    from django.conf import settings

    django.setup()
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        sys.exit("bench/directory.py needs PostgreSQL: set DATABASE_URL")
    _db = settings.DATABASES["default"]
    create_database_if_missing(
        name=_db["NAME"], user=_db["USER"], host=_db["HOST"], port=_db["PORT"] or 5432
    )
    seed(args.companies)
    paths = args.paths.split(",")
    if args.cold:
        flat_copy()
    if not args.no_prewarm:
        prewarm()
    if args.typos:
        run_typos()
    if args.cold:
        run_cold(args.rounds, paths)
    if args.concurrency:
        run_concurrent(args.concurrency, args.rounds * len(COLD_KINDS), paths)
    if not (args.cold or args.concurrency or args.typos):
        run(args.rounds, paths, args.modes.split(","))


if __name__ == "__main__":
    main()
