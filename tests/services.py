"""The machine's real Redis and PostgreSQL (127.0.0.1, as on every development and CI machine).

Tests that need them skip with the reason when they are not running; each test gets an empty
PostgreSQL database of its own (dropped afterwards) and its own Redis database number."""

from __future__ import annotations

import os
import secrets
import socket

import pytest

POSTGRES_ADMIN_URL = os.environ.get("VEIL_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("VEIL_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _listening(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def postgres_url():
    """An empty database on the machine's PostgreSQL, dropped after the test."""
    if not _listening("127.0.0.1", 5432):
        pytest.skip("PostgreSQL is not running on 127.0.0.1:5432")
    import psycopg

    name = "veil_test_" + secrets.token_hex(4)
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    yield POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def redis_url():
    """A Redis database number of this test's own, emptied before and after."""
    if not _listening("127.0.0.1", 6379):
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    import redis

    url = REDIS_URL.rsplit("/", 1)[0] + f"/{secrets.randbelow(14) + 1}"
    client = redis.Redis.from_url(url)
    client.flushdb()
    yield url
    client.flushdb()
