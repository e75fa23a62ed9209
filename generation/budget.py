"""A privacy budget per principal per day: how many escalations, and how many placeholders they
carried out. Spent means the answer stays local. Kept in the state database (SQLite or PostgreSQL,
`core.state`) so a restart does not refill it and API replicas share it; a reservation is one write
transaction under the lock `veil/budget`, so concurrent requests, processes and machines never overspend."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

from core.state import StateDB, open_state

_SCHEMA = """CREATE TABLE IF NOT EXISTS budget (principal TEXT, day TEXT, escalations INTEGER, entities INTEGER,
                                            PRIMARY KEY (principal, day))"""


def utc_today() -> date:
    return datetime.now(timezone.utc).date()


@dataclass(frozen=True)
class Usage:
    escalations: int
    entities: int


class PrivacyBudget:
    def __init__(self, target: Path | StateDB, daily_escalations: int, daily_entities: int,
                 today: Callable[[], date] = utc_today) -> None:
        self._limits = Usage(daily_escalations, daily_entities)
        self._today = today
        self._db = open_state(target)
        self._db.ensure(_SCHEMA)

    def used(self, principal: str) -> Usage:
        return self._used(self._db, principal)

    def _used(self, db, principal: str) -> Usage:
        row = db.execute("SELECT escalations, entities FROM budget WHERE principal = ? AND day = ?",
                         (principal, self._today().isoformat())).one()
        return Usage(*row) if row else Usage(0, 0)

    def reserve(self, principal: str, entities: int) -> str | None:
        """Count one escalation carrying `entities` placeholders; the reason it is refused, or None."""
        day = self._today().isoformat()
        with self._db.transaction(lock="veil/budget") as tx:
            if refused := self._refusal(self._used(tx, principal), entities):
                return refused
            tx.execute("INSERT INTO budget VALUES (?, ?, 1, ?) ON CONFLICT (principal, day) DO UPDATE SET "
                       "escalations = budget.escalations + 1, entities = budget.entities + excluded.entities",
                       (principal, day, entities))
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
