"""Per-key limits: requests in flight and requests per minute (a token bucket). Past either, 429."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from core.errors import RateLimitedError


class KeyLimiter:
    def __init__(self, max_in_flight: int, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self._max_in_flight, self._rate, self._clock = max_in_flight, per_minute / 60.0, clock
        self._capacity = float(per_minute)
        self._lock = threading.Lock()
        self._in_flight: dict[str, int] = {}
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, last refill)

    @contextmanager
    def hold(self, key: str) -> Iterator[None]:
        self._enter(key)
        try:
            yield
        finally:
            with self._lock:
                self._in_flight[key] -= 1

    def _enter(self, key: str) -> None:
        with self._lock:
            if self._in_flight.get(key, 0) >= self._max_in_flight:
                raise RateLimitedError(f"too many requests in flight for this key (limit {self._max_in_flight})")
            now = self._clock()
            tokens, last = self._buckets.get(key, (self._capacity, now))
            tokens = min(self._capacity, tokens + (now - last) * self._rate)
            if tokens < 1:
                raise RateLimitedError("too many requests for this key this minute; retry shortly")
            self._buckets[key] = (tokens - 1, now)
            self._in_flight[key] = self._in_flight.get(key, 0) + 1
