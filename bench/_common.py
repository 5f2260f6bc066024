"""Helpers shared by the benchmark scripts."""

import psycopg2


def create_database_if_missing(
    *, name: str, host: str = "127.0.0.1", user: str = "postgres", port: int = 5432
) -> None:
    """Create the benchmark's own PostgreSQL database on first use."""
    conn = psycopg2.connect(dbname="postgres", user=user, host=host, port=port)
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def drop_database(*, name: str, host: str = "127.0.0.1", user: str = "postgres", port: int = 5432):
    """Drop a benchmark's database (closing what still holds it open)."""
    conn = psycopg2.connect(dbname="postgres", user=user, host=host, port=port)
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    conn.close()
