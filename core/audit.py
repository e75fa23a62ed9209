"""Append-only, keyed hash chain of audit events (SQLite or PostgreSQL; safe for concurrent writers).

Each event's MAC covers its sequence number, time, kind, payload and the previous event's MAC, under
a key that is never stored in the log. Editing, deleting, inserting or reordering an event breaks
the chain at that point; truncating the tail is caught by the MAC'd head record; appending forged
events after a truncation needs the key. Payloads never hold a personal value: values appear only
as keyed HMACs, so an auditor can test "was this value redacted?" without the log revealing it.

Appends are serialised in the database (`core.state`): SQLite's write lock, PostgreSQL's advisory lock
`veil/audit`, so writers on several machines extend one chain without a fork.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from core.state import StateDB, open_state

GENESIS = "0" * 64
_SPACE = re.compile(r"\s+")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS {events} (
    seq     {seq_type} PRIMARY KEY,
    ts      TEXT NOT NULL,
    kind    TEXT NOT NULL,
    payload TEXT NOT NULL,
    prev    TEXT NOT NULL,
    mac     TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS {head} (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    seq   INTEGER NOT NULL,
    mac   TEXT NOT NULL,
    seal  TEXT NOT NULL
)
"""


def _tables(db: StateDB) -> tuple[str, str]:
    """audit.db keeps its own file (and its old names); in a shared database the names say whose they are."""
    return ("events", "head") if db.dialect == "sqlite" else ("audit_events", "audit_head")


def _derive(key: bytes, purpose: str) -> bytes:
    return hmac.new(key, purpose.encode(), hashlib.sha256).digest()


class ValueHasher:
    """Keyed HMAC of a personal value, normalised so case and spacing do not matter."""

    def __init__(self, key: bytes) -> None:
        self._key = _derive(key, "veil/value-hmac/v1")

    def __call__(self, value: str) -> str:
        normalised = _SPACE.sub(" ", value).strip().casefold()
        return hmac.new(self._key, normalised.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class AuditEvent:
    seq: int
    ts: str
    kind: str
    payload: dict
    prev: str
    mac: str


@dataclass(frozen=True)
class Verification:
    ok: bool
    events: int
    first_bad_seq: int | None = None
    problem: str | None = None
    head_mac: str | None = None


class AuditLog:
    def __init__(self, target: Path | StateDB, key: bytes) -> None:
        self._db = open_state(target)
        self._events, self._head = _tables(self._db)
        # SQLite's INTEGER PRIMARY KEY is 8 bytes (the rowid); PostgreSQL's INTEGER only 4
        seq_type = "INTEGER" if self._db.dialect == "sqlite" else "BIGINT"
        self._db.ensure(_SCHEMA.format(events=self._events, head=self._head, seq_type=seq_type))
        self._chain_key = _derive(key, "veil/audit-chain/v1")
        self.hash_value = ValueHasher(key)

    # -- writing -----------------------------------------------------------------------------

    def append(self, kind: str, payload: dict) -> AuditEvent:
        return self.append_many([(kind, payload)])[-1]

    def append_many(self, events: list[tuple[str, dict]]) -> list[AuditEvent]:
        """Append atomically, serialised with every other writer of this chain (any thread, process or machine)."""
        with self._db.transaction(lock="veil/audit") as tx:
            return self._append_locked(tx, events)

    def _append_locked(self, tx, events: list[tuple[str, dict]]) -> list[AuditEvent]:
        row = tx.execute(f"SELECT seq, mac FROM {self._events} ORDER BY seq DESC LIMIT 1").one()
        seq, prev = row if row else (0, GENESIS)
        written = []
        for kind, payload in events:
            seq += 1
            event = self._seal_event(seq, _now(), kind, payload, prev)
            written.append(event)
            prev = event.mac
        tx.executemany(f"INSERT INTO {self._events} VALUES (?, ?, ?, ?, ?, ?)",
                       [(e.seq, e.ts, e.kind, _canonical(e.payload), e.prev, e.mac) for e in written])
        tx.execute(f"INSERT INTO {self._head} VALUES (1, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
                   "seq = excluded.seq, mac = excluded.mac, seal = excluded.seal",
                   (seq, prev, self._seal_head(seq, prev)))
        return written

    def _seal_event(self, seq: int, ts: str, kind: str, payload: dict, prev: str) -> AuditEvent:
        return AuditEvent(seq, ts, kind, payload, prev, self._mac(seq, ts, kind, _canonical(payload), prev))

    def _mac(self, seq: int, ts: str, kind: str, payload_json: str, prev: str) -> str:
        message = "\x1f".join([str(seq), ts, kind, payload_json, prev]).encode()
        return hmac.new(self._chain_key, message, hashlib.sha256).hexdigest()

    def _seal_head(self, seq: int, mac: str) -> str:
        return hmac.new(self._chain_key, f"head\x1f{seq}\x1f{mac}".encode(), hashlib.sha256).hexdigest()

    # -- reading -----------------------------------------------------------------------------

    def events(self, kind: str | None = None) -> Iterator[AuditEvent]:
        sql, args = f"SELECT seq, ts, kind, payload, prev, mac FROM {self._events}", ()
        if kind:
            sql, args = sql + " WHERE kind = ?", (kind,)
        rows = self._db.execute(sql + f" ORDER BY {self._storage_order}", args).rows
        for seq, ts, k, payload, prev, mac in rows:
            yield AuditEvent(seq, ts, k, json.loads(payload), prev, mac)

    def verify(self) -> Verification:
        """Walk the chain in storage order; name the first event that does not fit."""
        expected_seq, prev, count = 1, GENESIS, 0
        with self._db.snapshot() as tx:  # the events and the head that seals them, as of one moment
            rows = tx.execute(f"SELECT seq, ts, kind, payload, prev, mac FROM {self._events} "
                              f"ORDER BY {self._storage_order}").rows
            head = tx.execute(f"SELECT seq, mac, seal FROM {self._head} WHERE id = 1").one()
        for seq, ts, kind, payload, stored_prev, mac in rows:
            problem = self._check(seq, ts, kind, payload, stored_prev, mac, expected_seq, prev)
            if problem:
                return Verification(False, count, seq, problem)
            expected_seq, prev, count = seq + 1, mac, count + 1
        return self._check_head(head, count, prev)

    def _check(self, seq, ts, kind, payload, stored_prev, mac, expected_seq, prev) -> str | None:
        if seq != expected_seq:
            return f"expected event {expected_seq} here, found {seq} (deleted, inserted or reordered)"
        if stored_prev != prev:
            return "does not follow the previous event (deleted, inserted or reordered)"
        if not hmac.compare_digest(mac, self._mac(seq, ts, kind, payload, stored_prev)):
            return "content does not match its MAC (edited or forged)"
        return None

    def _check_head(self, head, count: int, last_mac: str) -> Verification:
        if head is None:
            return Verification(count == 0, count, 1 if count else None,
                                None if count == 0 else "head record missing", last_mac)
        seq, mac, seal = head
        if not hmac.compare_digest(seal, self._seal_head(seq, mac)):
            return Verification(False, count, seq, "head record does not match its MAC")
        if (seq, mac) != (count, last_mac):
            return Verification(False, count, count + 1 if count < seq else seq + 1,
                                f"log ends at event {count} but its head says {seq} (truncated or appended)")
        return Verification(True, count, head_mac=last_mac)

    @property
    def _storage_order(self) -> str:
        """SQLite's rowid shows an event inserted out of order; PostgreSQL has no rowid, so seq it is
        (a reordering there still breaks the `prev` links)."""
        return "rowid" if self._db.dialect == "sqlite" else "seq"

    def close(self) -> None:
        self._db.close()


def _canonical(payload: dict) -> str:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")
