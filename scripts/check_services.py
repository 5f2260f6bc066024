"""Say clearly which of the services the test suite needs is not answering, and how to start it."""

import os
import socket
import sys
from urllib.parse import urlparse

SERVICES = [
    (
        "PostgreSQL",
        os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal"),
        5432,
        "pg_ctlcluster --skip-systemctl-redirect 15 main start",
    ),
    (
        "Redis",
        os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15"),
        6379,
        'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no',
    ),
    (
        # The production broker: tests SIGKILL a real worker on it (tests/digests).
        "RabbitMQ",
        os.environ.get("RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672//"),
        5672,
        "rabbitmq-server -detached",
    ),
]


def reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def main() -> int:
    missing = 0
    for name, url, default_port, start in SERVICES:
        parsed = urlparse(url)
        host, port = parsed.hostname or "127.0.0.1", parsed.port or default_port
        if reachable(host, port):
            print(f"{name}: reachable at {host}:{port}")
        else:
            missing += 1
            print(
                f"{name} is not reachable at {host}:{port}. Start it with:\n    {start}",
                file=sys.stderr,
            )
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
