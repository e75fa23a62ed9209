"""Per-key limits: requests in flight and requests per minute (a token bucket). Past either, 429.

The per-minute buckets live in the state database when one is given (`SharedBuckets`), so API replicas
draw from one bucket per key; requests in flight are counted per process (a crashed process must not
leave a key blocked), so `max_in_flight_per_key` holds for each replica.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

from core.errors import RateLimitedError
from core.state import StateDB, open_state


class Buckets(Protocol):
    def take(self, key: str, now: float) -> bool:
        """Take one token from the key's bucket (refilled since its last use); False when it is empty."""


class _Refill:
    def __init__(self, per_minute: int) -> None:
        self.capacity, self.rate = float(per_minute), per_minute / 60.0

    def tokens(self, stored: tuple[float, float] | None, now: float) -> float:
        tokens, last = stored if stored else (self.capacity, now)
        return min(self.capacity, tokens + max(0.0, now - last) * self.rate)


class LocalBuckets:
    """One process's buckets (the embedded default)."""

    def __init__(self, per_minute: int) -> None:
        self._refill, self._lock = _Refill(per_minute), threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, last refill)

    def take(self, key: str, now: float) -> bool:
        with self._lock:
            tokens = self._refill.tokens(self._buckets.get(key), now)
            if tokens < 1:
                return False
            self._buckets[key] = (tokens - 1, now)
            return True


# DOUBLE PRECISION: PostgreSQL's REAL is 4 bytes, which rounds a Unix time by up to a minute.
_SCHEMA = ("CREATE TABLE IF NOT EXISTS rate_limits (api_key TEXT PRIMARY KEY, tokens DOUBLE PRECISION NOT NULL, "
           "updated DOUBLE PRECISION NOT NULL)")


class SharedBuckets:
    """Buckets in the state database: every replica draws from the same one (wall-clock time)."""

    def __init__(self, target: Path | StateDB, per_minute: int) -> None:
        self._refill = _Refill(per_minute)
        self._db = open_state(target)
        self._db.ensure(_SCHEMA)

    def take(self, key: str, now: float) -> bool:
        with self._db.transaction(lock="veil/rate/" + key) as tx:
            row = tx.execute("SELECT tokens, updated FROM rate_limits WHERE api_key = ?", (key,)).one()
            tokens = self._refill.tokens(row, now)
            if tokens < 1:
                return False
            tx.execute("INSERT INTO rate_limits VALUES (?, ?, ?) ON CONFLICT (api_key) DO UPDATE SET "
                       "tokens = excluded.tokens, updated = excluded.updated", (key, tokens - 1, now))
            return True

    def close(self) -> None:
        self._db.close()


class KeyLimiter:
    def __init__(self, max_in_flight: int, per_minute: int, clock: Callable[[], float] = time.monotonic,
                 buckets: Buckets | None = None) -> None:
        """A shared `buckets` needs a clock every replica agrees on: pass `time.time` with it."""
        self._max_in_flight, self._clock = max_in_flight, clock
        self._buckets = buckets or LocalBuckets(per_minute)
        self._lock = threading.Lock()
        self._in_flight: dict[str, int] = {}

    @contextmanager
    def hold(self, key: str) -> Iterator[None]:
        self._enter(key)
        try:
            yield
        finally:
            self._leave(key)

    def _enter(self, key: str) -> None:
        with self._lock:
            if self._in_flight.get(key, 0) >= self._max_in_flight:
                raise RateLimitedError(f"too many requests in flight for this key (limit {self._max_in_flight})")
            self._in_flight[key] = self._in_flight.get(key, 0) + 1
        try:
            allowed = self._buckets.take(key, self._clock())
        except BaseException:  # a database error must not leave the request counted in flight
            self._leave(key)
            raise
        if not allowed:
            self._leave(key)
            raise RateLimitedError("too many requests for this key this minute; retry shortly")

    def _leave(self, key: str) -> None:
        with self._lock:
            self._in_flight[key] -= 1
