"""The portal's configuration: the embedded default, and production strictness."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from portal.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]
CONFIG_VARIABLES = [
    "DATABASE_URL",
    "REDIS_URL",
    "BROKER_URL",
    "CELERY_BROKER_URL",
    "CACHE_URL",
    "EMAIL_URL",
    "CELERY_TASK_ALWAYS_EAGER",
    "SITE_URL",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "VAR_DIR",
]
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "k" * 20 + "production-secret-used-only-by-this-test" + "z" * 20,
    "ALLOWED_HOSTS": "portal.example.com",
    "SITE_URL": "https://portal.example.com",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/portal",
    "REDIS_URL": "redis://127.0.0.1:6379/15",
}
SHOW_SETTINGS = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({
    "engine": s.DATABASES["default"]["ENGINE"], "name": str(s.DATABASES["default"]["NAME"]),
    "eager": s.CELERY_TASK_ALWAYS_EAGER, "cache": s.CACHES["default"]["BACKEND"],
    "email": s.EMAIL_BACKEND, "email_path": str(s.EMAIL_FILE_PATH),
    "broker": s.CELERY_BROKER_URL,
}))
"""


def run_python(
    args: list[str], env: dict[str, str], cwd: Path = ROOT
) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in CONFIG_VARIABLES}
    clean["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    return subprocess.run(
        [sys.executable, *args],
        env={**clean, **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_with_nothing_configured_the_portal_uses_the_embedded_default(tmp_path):
    result = run_python(["-c", SHOW_SETTINGS], {"VAR_DIR": str(tmp_path)})

    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown["engine"] == "django.db.backends.sqlite3"
    assert shown["name"] == str(tmp_path / "portal.sqlite3")
    assert shown["eager"] is True
    assert shown["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert shown["email"] == "django.core.mail.backends.filebased.EmailBackend"
    assert shown["email_path"] == str(tmp_path / "mail")


def test_database_and_redis_urls_switch_to_postgres_and_a_real_broker(tmp_path):
    env = {"DATABASE_URL": PRODUCTION["DATABASE_URL"], "REDIS_URL": PRODUCTION["REDIS_URL"]}
    result = run_python(["-c", SHOW_SETTINGS], env)

    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown["engine"] == "django.db.backends.postgresql"
    assert shown["eager"] is False
    assert shown["cache"] == "portal.cache.FallbackRedisCache"


def test_a_redis_cache_given_as_cache_url_falls_back_to_memory_too(tmp_path):
    env = {"VAR_DIR": str(tmp_path), "CACHE_URL": "redis://127.0.0.1:6379/14"}
    result = run_python(["-c", SHOW_SETTINGS], env)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["cache"] == "portal.cache.FallbackRedisCache"


def test_broker_url_sets_the_broker_apart_from_redis_which_stays_the_cache():
    env = {
        "DATABASE_URL": PRODUCTION["DATABASE_URL"],
        "REDIS_URL": PRODUCTION["REDIS_URL"],
        "BROKER_URL": "amqp://portal:secret@rabbitmq:5672//",
    }
    result = run_python(["-c", SHOW_SETTINGS], env)

    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown["broker"] == "amqp://portal:secret@rabbitmq:5672//"
    assert shown["eager"] is False
    assert shown["cache"] == "portal.cache.FallbackRedisCache"


def test_without_broker_url_the_broker_is_redis():
    result = run_python(["-c", SHOW_SETTINGS], {"REDIS_URL": PRODUCTION["REDIS_URL"]})

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["broker"] == PRODUCTION["REDIS_URL"]


def test_a_broker_url_alone_sends_tasks_to_the_broker(tmp_path):
    env = {"VAR_DIR": str(tmp_path), "BROKER_URL": "amqp://guest:guest@127.0.0.1:5672//"}
    result = run_python(["-c", SHOW_SETTINGS], env)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["eager"] is False


def test_production_refuses_to_start_without_a_real_secret_key():
    env = {**PRODUCTION}
    del env["SECRET_KEY"]
    result = run_python(["manage.py", "check"], env)

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_settings_pass_the_deployment_checklist():
    result = run_python(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_embedded_default_migrates_seeds_and_serves_signup_with_no_services(tmp_path):
    env = {"VAR_DIR": str(tmp_path)}
    assert run_python(["manage.py", "migrate", "--noinput", "-v0"], env).returncode == 0
    seeded = run_python(["manage.py", "seed_demo", "--members", "3"], env)
    assert seeded.returncode == 0, seeded.stderr
    assert "Members: 4" in seeded.stdout

    browse = """
import django; django.setup()
from django.test import Client
c = Client()
print(c.get("/").status_code, c.get("/accounts/signup/").status_code)
r = c.post("/accounts/signup/", {"email": "newcomer@example.com", "password1": "a-long-pass-phrase",
                                  "password2": "a-long-pass-phrase", "display_name": "Newcomer"})
print(r.status_code)
"""
    result = run_python(["-c", browse], env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["200", "200", "302"]
    sent = list((tmp_path / "mail").glob("*.log"))
    assert len(sent) == 1
    assert "newcomer@example.com" in sent[0].read_text()


def test_celery_loses_no_task_when_a_worker_dies():
    conf = celery_app.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.broker_transport_options["visibility_timeout"] > conf.task_time_limit


def test_a_dead_or_hung_broker_cannot_hold_a_web_request_for_long():
    conf = celery_app.conf
    assert conf.broker_transport_options["socket_connect_timeout"] <= 1
    assert conf.broker_transport_options["socket_timeout"] <= 2
    assert conf.task_publish_retry_policy["max_retries"] <= 1


@pytest.mark.parametrize("service", ["web", "worker", "beat", "db", "redis", "rabbitmq", "mail"])
def test_compose_file_defines_every_production_service(service):
    import yaml

    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert service in compose["services"]


@pytest.mark.parametrize("service", ["web", "worker", "beat"])
def test_compose_file_uses_rabbitmq_as_the_broker_and_redis_as_the_cache(service):
    import yaml

    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    portal = compose["services"][service]
    assert portal["environment"]["BROKER_URL"].startswith("amqp://")
    assert portal["environment"]["REDIS_URL"].startswith("redis://")
    assert portal["depends_on"]["rabbitmq"] == {"condition": "service_healthy"}
    assert "healthcheck" in compose["services"]["rabbitmq"]


def test_compose_file_is_valid_against_the_compose_specification():
    checker = Path(sys.executable).with_name("check-jsonschema")
    result = subprocess.run(
        [str(checker), "--builtin-schema", "vendor.compose-spec", str(ROOT / "docker-compose.yml")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


SHOW_DATABASE_OPTIONS = """
import json, django
django.setup()
from django.conf import settings
print(json.dumps(settings.DATABASES["default"].get("OPTIONS", {})))
"""


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="PostgreSQL's JIT"
)
@pytest.mark.django_db
def test_the_portals_postgresql_connections_never_jit_compile_and_keep_bitmaps_exact():
    # At 1,000,000 companies a search ranking 2,000 matches spent 191 ms compiling for 37 ms
    # of work: the web's queries are short. And three facets' bitmaps, lossy in 4MB, read six
    # times the pages their matches are on.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
        cursor.execute("SHOW work_mem")
        assert cursor.fetchone()[0] == "16MB"


def test_connection_options_in_database_url_are_kept_beside_the_portals(tmp_path):
    url = "postgres://postgres@127.0.0.1:5432/portal?options=-c%20statement_timeout%3D5000"
    result = run_python(["-c", SHOW_DATABASE_OPTIONS], {"DATABASE_URL": url})

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["options"] == (
        "-c statement_timeout=5000 -c jit=off -c work_mem=16MB"
    )


def test_a_session_setting_given_in_database_url_wins(tmp_path):
    url = "postgres://postgres@127.0.0.1:5432/portal?options=-c%20work_mem%3D64MB"
    result = run_python(["-c", SHOW_DATABASE_OPTIONS], {"DATABASE_URL": url})

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["options"] == "-c work_mem=64MB -c jit=off"
