"""Document registry and ingest journal (SQLite under the data dir).

A document is `pending` while its chunks are being written and `done` once they all are, so a crash
mid-ingest is repaired on the next run: the pending document is re-ingested under the same
deterministic point ids, which overwrites rather than duplicates.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path

from core.types import DocumentInfo

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    doc_id       TEXT PRIMARY KEY,
    collection   TEXT NOT NULL,
    source       TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    ingested_at  TEXT NOT NULL,
    chunks       INTEGER NOT NULL,
    redactions   TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('pending', 'done')),
    groups       TEXT NOT NULL DEFAULT '["everyone"]'
);
CREATE INDEX IF NOT EXISTS documents_by_collection ON documents (collection);
"""
_MIGRATIONS = {"groups": """ALTER TABLE documents ADD COLUMN groups TEXT NOT NULL DEFAULT '["everyone"]'"""}


class DocumentRegistry:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(documents)")}
        for column, statement in _MIGRATIONS.items():  # registries written before the column existed
            if column not in columns:
                self._db.execute(statement)
        self._lock = threading.Lock()

    def is_current(self, doc_id: str, content_hash: str, groups: tuple[str, ...] = ("everyone",)) -> bool:
        """Done with this content and these readers: a new group list is a change like new content."""
        row = self._one("SELECT content_hash, status, groups FROM documents WHERE doc_id = ?", doc_id)
        return row is not None and row == (content_hash, "done", _groups_json(groups))

    def mark_pending(self, info: DocumentInfo) -> None:
        self._write(info, "pending")

    def mark_done(self, info: DocumentInfo) -> None:
        self._write(info, "done")

    def get(self, doc_id: str) -> DocumentInfo | None:
        row = self._one(f"SELECT {_COLUMNS} FROM documents WHERE doc_id = ? AND status = 'done'", doc_id)
        return _to_info(row) if row else None

    def list(self, collection: str | None = None) -> list[DocumentInfo]:
        sql = f"SELECT {_COLUMNS} FROM documents WHERE status = 'done'"
        args: tuple = ()
        if collection is not None:
            sql, args = sql + " AND collection = ?", (collection,)
        with self._lock:
            rows = self._db.execute(sql + " ORDER BY source", args).fetchall()
        return [_to_info(r) for r in rows]

    def delete(self, doc_id: str) -> None:
        with self._lock:
            self._db.execute("DELETE FROM documents WHERE doc_id = ?", (doc_id,))

    def close(self) -> None:
        self._db.close()

    def _one(self, sql: str, *args):
        with self._lock:
            return self._db.execute(sql, args).fetchone()

    def _write(self, info: DocumentInfo, status: str) -> None:
        with self._lock:
            self._db.execute(
                f"INSERT OR REPLACE INTO documents ({_COLUMNS}, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (info.doc_id, info.collection, info.source, info.content_hash, info.ingested_at,
                 info.chunks, json.dumps(info.redactions, sort_keys=True), _groups_json(info.groups), status),
            )


_COLUMNS = "doc_id, collection, source, content_hash, ingested_at, chunks, redactions, groups"


def _groups_json(groups: tuple[str, ...]) -> str:
    return json.dumps(sorted(set(groups)))


def _to_info(row) -> DocumentInfo:
    doc_id, collection, source, content_hash, ingested_at, chunks, redactions, groups = row
    return DocumentInfo(doc_id, collection, source, content_hash, ingested_at, chunks, json.loads(redactions),
                        tuple(json.loads(groups)))
