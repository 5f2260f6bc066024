"""Bulk onboarding speed: import_partners on N generated valid rows, run by hand.

    .venv/bin/python bench/importing.py --rows 100000

Creates its own PostgreSQL database (``--database``, default ``portal_bench_import``), migrates
it, loads a vocabulary of 30 competencies and 12 industries, writes a CSV of N valid rows (every
column filled, lists of 2-4 items, one claimed domain each), then runs the real command
``import_partners`` in a child process twice: once as a dry run and once for real, then a third
time on the same file (every row an update). It prints, for each run, the wall time, the CPU
time and the peak memory of the child (its own VmHWM), and rows per second; after the import it
checks that a search finds an imported company and that the facet counts add up. It asserts
nothing about time.
"""

import argparse
import csv
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench._common import create_database_if_missing  # noqa: E402

COMPETENCIES = [f"competency-{n}" for n in range(30)]
INDUSTRIES = [f"industry-{n}" for n in range(12)]
COUNTRIES = ["DE", "FR", "GB", "US", "JP", "IN", "BR", "NL", "SE", "ES", "IT", "AU", "CA", "PL"]
WORDS = [
    "cloud",
    "data",
    "secure",
    "managed",
    "modern",
    "agile",
    "digital",
    "partner",
    "systems",
    "consulting",
]


def write_csv(path: Path, rows: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    header = [
        "slug",
        "name",
        "hq_country",
        "description",
        "website",
        "hq_city",
        "size_band",
        "founded",
        "tier",
        "languages",
        "countries_served",
        "competencies",
        "industries",
        "tags",
        "offerings",
        "claimed_domains",
    ]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for n in range(rows):
            words = rng.sample(WORDS, 3)
            writer.writerow(
                [
                    f"bench-partner-{n}",
                    # P<n>: a word of its own, so that a search can find exactly this company.
                    f"{words[0].title()} {words[1].title()} P{n}",
                    rng.choice(COUNTRIES),
                    f"We deliver {' and '.join(words)} services for partner {n}.",
                    f"https://partner-{n}.example.com",
                    "Springfield",
                    rng.choice(["1-10", "11-50", "51-200", "201-1000"]),
                    str(rng.randint(1950, 2024)),
                    rng.choice(["registered", "certified", "gold"]),
                    "en;de",
                    ";".join(rng.sample(COUNTRIES, 2)),
                    ";".join(rng.sample(COMPETENCIES, rng.randint(2, 4))),
                    ";".join(rng.sample(INDUSTRIES, 2)),
                    ";".join(rng.sample(WORDS, 2)),
                    f"service:{words[0].title()} services;product:{words[1].title()} kit",
                    f"partner-{n}.example.com",
                ]
            )


def _peak_mb(pid: int) -> int:
    """The child's own high-water RSS (VmHWM) so far, in MB. Not ru_maxrss: a child started by
    vfork/exec inherits the parent's peak in it (Linux records the old memory map's peak at exec),
    so the bench's own memory would be reported as the command's."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    return 0


def run_command(args: list[str], env: dict) -> tuple[float, float, int, str]:
    """Wall seconds, CPU seconds and peak RSS (MB) of one child run, and its last line."""
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        child = subprocess.Popen(  # noqa: S603
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, stdout=out, stderr=err
        )
        peak = 0
        while True:
            peak = max(peak, _peak_mb(child.pid))
            # Reap only once the child is done, so that /proc/<pid> stays readable until then.
            done, status, usage = os.wait4(child.pid, os.WNOHANG)
            if done:
                break
            time.sleep(0.2)
        child.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - started
        cpu = usage.ru_utime + usage.ru_stime
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if child.returncode != 0:
        print(stdout[-2000:], stderr[-4000:])
        raise SystemExit(f"import_partners {' '.join(args)} failed")
    last = stdout.strip().splitlines()[-1] if stdout.strip() else ""
    return wall, cpu, peak, last


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database", default="portal_bench_import")
    options = parser.parse_args()

    url = f"postgres://postgres@127.0.0.1:5432/{options.database}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "CELERY_TASK_ALWAYS_EAGER": "true",
        # As in production: with DEBUG on Django also formats and keeps every statement.
        "DEBUG": os.environ.get("BENCH_DEBUG", "false"),
        "SECRET_KEY": "bench-" + "x" * 60,
        "SECURE_SSL_REDIRECT": "false",
        "CACHE_URL": "locmemcache://",
        "EMAIL_URL": "memorymail://",
    }
    for name in ("REDIS_URL", "BROKER_URL", "CELERY_BROKER_URL"):
        env.pop(name, None)
    os.environ.update({k: v for k, v in env.items() if k != "PATH"})
    for name in ("REDIS_URL", "BROKER_URL", "CELERY_BROKER_URL"):
        os.environ.pop(name, None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

    create_database_if_missing(name=options.database)
    import django

    django.setup()
    from django.core.management import call_command

    from directory.models import Company, Competency, Industry

    call_command("migrate", verbosity=0)
    Company.objects.filter(slug__startswith="bench-partner-").delete()
    for slug in COMPETENCIES:
        Competency.objects.get_or_create(slug=slug, defaults={"name": slug.replace("-", " ")})
    for slug in INDUSTRIES:
        Industry.objects.get_or_create(slug=slug, defaults={"name": slug.replace("-", " ")})

    path = Path(f"/tmp/bench-import-{options.rows}.csv")  # noqa: S108
    write_csv(path, options.rows)
    size_mb = path.stat().st_size / 1e6
    print(f"{options.rows:,} rows, {size_mb:.1f} MB CSV, load {os.getloadavg()[0]:.2f}")
    print(f"{'run':<22} {'wall s':>8} {'cpu s':>8} {'rows/s':>9} {'peak MB':>8}")
    for label, args in [
        ("dry run", ["import_partners", str(path), "--dry-run"]),
        ("import (creates)", ["import_partners", str(path)]),
        ("import again (updates)", ["import_partners", str(path)]),
    ]:
        wall, cpu, peak, last = run_command(args, env)
        print(f"{label:<22} {wall:>8.1f} {cpu:>8.1f} {options.rows / wall:>9,.0f} {peak:>8}")
        print(f"    {last}")

    from django.db import connection
    from django.test import Client

    connection.close()
    imported = Company.objects.filter(slug__startswith="bench-partner-").count()
    probe = Company.objects.filter(slug="bench-partner-0").get()
    body = Client().get("/api/v1/partners/", {"q": probe.name}).json()
    found = any(item["slug"] == probe.slug for item in body["results"])
    facets = Client().get("/api/v1/partners/").json()["facets"]
    tier_total = sum(value["count"] for value in facets["tier"])
    print(
        f"imported companies: {imported:,}; search finds bench-partner-0: {found}; "
        f"tier facet adds up to {tier_total:,} of {Company.objects.count():,}"
    )


if __name__ == "__main__":
    main()
