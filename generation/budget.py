"""A privacy budget per principal per day: how many escalations, and how many placeholders they
carried out. Spent means the answer stays local. Kept in SQLite so a restart does not refill it;
a reservation is one write transaction, so concurrent requests (and processes) never overspend."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path


def utc_today() -> date:
    return datetime.now(timezone.utc).date()


@dataclass(frozen=True)
class Usage:
    escalations: int
    entities: int


class PrivacyBudget:
    def __init__(self, path: Path, daily_escalations: int, daily_entities: int,
                 today: Callable[[], date] = utc_today) -> None:
        self._limits = Usage(daily_escalations, daily_entities)
        self._today = today
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=30)
        self._db.execute("CREATE TABLE IF NOT EXISTS budget (principal TEXT, day TEXT, escalations INTEGER, "
                         "entities INTEGER, PRIMARY KEY (principal, day))")

    def used(self, principal: str) -> Usage:
        row = self._db.execute("SELECT escalations, entities FROM budget WHERE principal = ? AND day = ?",
                               (principal, self._today().isoformat())).fetchone()
        return Usage(*row) if row else Usage(0, 0)

    def reserve(self, principal: str, entities: int) -> str | None:
        """Count one escalation carrying `entities` placeholders; the reason it is refused, or None."""
        day = self._today().isoformat()
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                used = self.used(principal)
                if refused := self._refusal(used, entities):
                    self._db.execute("ROLLBACK")
                    return refused
                self._db.execute(
                    "INSERT INTO budget VALUES (?, ?, 1, ?) ON CONFLICT (principal, day) DO UPDATE SET "
                    "escalations = escalations + 1, entities = entities + excluded.entities",
                    (principal, day, entities))
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return None

    def _refusal(self, used: Usage, entities: int) -> str | None:
        if used.escalations + 1 > self._limits.escalations:
            return f"today's escalation budget is spent ({self._limits.escalations} escalations)"
        if used.entities + entities > self._limits.entities:
            return (f"today's entity budget would be exceeded ({used.entities} of {self._limits.entities} "
                    f"placeholders sent, this request carries {entities})")
        return None

    def close(self) -> None:
        self._db.close()
