"""Queue jobs: one row per `veil ingest --queue`, one per file, in the state database (`core.state`).

A file moves `queued -> running -> ingested | updated | unchanged | failed`. Each delivery of its task
first *claims* it (one statement that counts the attempt), so a task delivered twice - a worker killed
mid-file, a retry - finds the file already finished, or knows how many attempts it has had. The last
step of a file (the registry's `published`) marks it finished in the same transaction, so "the file's
chunks are committed" and "the file is done" are never apart.

Privacy: a file's raw path travels only in its queue message (until it is acknowledged); this table
holds the name as stored (redacted), filled in when a worker has read the file.
"""

from __future__ import annotations

import json
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal

from core.errors import VeilError
from core.state import StateDB, Tx, open_state
from ingest.names import collection_name, reader_groups
from ingest.pipeline import STATUSES, FileResult

log = logging.getLogger(__name__)
JobState = Literal["queued", "running", "done"]
PENDING = ("queued", "running")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    job_id     TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    collection TEXT NOT NULL,
    groups     TEXT NOT NULL,
    files      INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS job_files (
    job_id     TEXT NOT NULL,
    idx        INTEGER NOT NULL,
    state      TEXT NOT NULL,
    file       TEXT,
    doc_id     TEXT,
    chunks     INTEGER NOT NULL DEFAULT 0,
    error      TEXT,
    attempts   INTEGER NOT NULL DEFAULT 0,
    worker     TEXT,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (job_id, idx)
)
"""
_FINISH = ("UPDATE job_files SET state = ?, file = ?, doc_id = ?, chunks = ?, error = ?, updated_at = ? "
           "WHERE job_id = ? AND idx = ? AND state IN ('queued', 'running')")


class UnknownJob(VeilError):
    """A task whose job this process cannot see: a configuration error, never a finished file."""


@dataclass(frozen=True)
class Claim:
    """What a delivery of a file's task may do: `go` (attempt number `attempts`), or nothing (`finished`)."""

    finished: bool
    attempts: int = 0


class JobBook:
    def __init__(self, target: Path | StateDB) -> None:
        self._db = open_state(target)
        self._db.ensure(_SCHEMA)

    def create(self, collection: str, groups: tuple[str, ...], files: int) -> str:
        """Refuses (VeilError) a collection or group name Veil cannot store, before the job exists."""
        collection, groups = collection_name(collection), reader_groups(groups)
        job_id = secrets.token_hex(8)
        now = _now()
        with self._db.transaction() as tx:
            tx.execute("INSERT INTO jobs VALUES (?, ?, ?, ?, ?)", (job_id, now, collection, json.dumps(groups), files))
            tx.executemany("INSERT INTO job_files (job_id, idx, state, updated_at) VALUES (?, ?, 'queued', ?)",
                           [(job_id, i, now) for i in range(files)])
        return job_id

    def claim(self, job_id: str, index: int, worker: str | None = None) -> Claim:
        """`worker`: who takes it (host:pid), shown in the status while the file runs."""
        row = self._db.execute("UPDATE job_files SET state = 'running', attempts = attempts + 1, worker = ?, "
                               "updated_at = ? WHERE job_id = ? AND idx = ? AND state IN ('queued', 'running') "
                               "RETURNING attempts", (worker, _now(), job_id, index)).one()
        if row:
            return Claim(False, row[0])
        if self._db.execute("SELECT 1 FROM job_files WHERE job_id = ? AND idx = ?", (job_id, index)).one() is None:
            raise UnknownJob(f"job {job_id} is not in this worker's state database: a worker on another machine "
                             "needs state.url (PostgreSQL), or on this one the data dir of `veil serve`")
        return Claim(True)

    def release(self, job_id: str, index: int) -> None:
        """An attempt that a service outage stopped does not count (best effort: the outage may be ours)."""
        try:
            self._db.execute("UPDATE job_files SET attempts = attempts - 1, updated_at = ? "
                             "WHERE job_id = ? AND idx = ? AND state = 'running' AND attempts > 0",
                             (_now(), job_id, index))
        except Exception:
            log.warning("job %s file %d: could not give back an attempt", job_id, index)

    def finished(self, job_id: str, index: int) -> bool:
        row = self._db.execute("SELECT state FROM job_files WHERE job_id = ? AND idx = ?", (job_id, index)).one()
        if row is None:
            raise UnknownJob(f"job {job_id} is not in this process's state database")
        return row[0] not in PENDING

    def finish(self, job_id: str, index: int, result: FileResult) -> None:
        with self._db.transaction() as tx:
            self.finish_in(tx, job_id, index, result)

    def finish_in(self, tx: Tx, job_id: str, index: int, result: FileResult) -> None:
        """Within a caller's transaction (the registry's): the file's end and its commit are one."""
        tx.execute(_FINISH, (result.status, result.path, result.doc_id, result.chunks, result.error, _now(),
                             job_id, index))

    def status(self, job_id: str) -> dict | None:
        """`{"job", "state", "totals", "files"}`; None for an unknown job."""
        job = self._db.execute("SELECT created_at, collection, files FROM jobs WHERE job_id = ?", (job_id,)).one()
        if job is None:
            return None
        rows = self._db.execute("SELECT idx, state, file, doc_id, chunks, error, attempts, worker FROM job_files "
                                "WHERE job_id = ? ORDER BY idx", (job_id,)).rows
        files = [{"index": i, "state": state, "file": file, "doc_id": doc_id, "chunks": chunks, "error": error,
                  "attempts": attempts, "worker": worker}
                 for i, state, file, doc_id, chunks, error, attempts, worker in rows]
        return {"job": job_id, "state": job_state([f["state"] for f in files]), "created_at": job[0],
                "collection": job[1], "totals": totals(files), "files": files}

    def close(self) -> None:
        self._db.close()


def job_state(states: list[str]) -> JobState:
    if all(s not in PENDING for s in states):
        return "done"
    return "queued" if all(s == "queued" for s in states) else "running"


def totals(files: list[dict]) -> dict[str, int]:
    out = {"files": len(files), **{s: 0 for s in (*PENDING, *STATUSES)}, "chunks": 0}
    for f in files:
        out[f["state"]] += 1
        out["chunks"] += f["chunks"]
    return out


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
