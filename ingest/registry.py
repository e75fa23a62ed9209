"""Document registry and ingest journal (SQLite under the data dir).

`documents` lists the published version of every document. `ingest_journal` records the one write in
flight per document and how far it got, so that a crash at any moment is repaired on the next start:

- `writing`: the new version's points are being staged (invisible). Repair discards them; the file is
  ingested again by the next run, since its registry row still names the old version.
- `publishing`: every point is staged. Repair publishes (idempotent), then records the new version.
- `deleting`: the document is being removed. Repair removes it again.

Publishing the new version and recording it are separate steps, but in between the store already shows
exactly one version; the row's update, the journal's end and the queue job's file (`ingest.jobs`)
share one transaction, so a redelivered task finds its file finished.

The tables live in `veil.db` or in the shared PostgreSQL database (`core.state`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from core.state import StateDB, Tx, open_state, upsert
from core.types import DocumentInfo

Step = Literal["writing", "publishing", "deleting"]

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
    groups       TEXT NOT NULL DEFAULT '["everyone"]',
    folder_id    TEXT
);
CREATE INDEX IF NOT EXISTS documents_by_collection ON documents (collection);
CREATE TABLE IF NOT EXISTS ingest_journal (
    doc_id    TEXT PRIMARY KEY,
    step      TEXT NOT NULL CHECK (step IN ('writing', 'publishing', 'deleting')),
    document  TEXT NOT NULL,
    folder_id TEXT
)
"""
_MIGRATIONS = {  # registries written before a column existed
    "groups": """ALTER TABLE documents ADD COLUMN groups TEXT NOT NULL DEFAULT '["everyone"]'""",
    "folder_id": "ALTER TABLE documents ADD COLUMN folder_id TEXT",
}
_COLUMNS = "doc_id, collection, source, content_hash, ingested_at, chunks, redactions, groups"
_WRITE_DOCUMENT = upsert("documents", [*_COLUMNS.split(", "), "status", "folder_id"], ["doc_id"])
_BEGIN = upsert("ingest_journal", ["doc_id", "step", "document", "folder_id"], ["doc_id"])


@dataclass(frozen=True)
class JournalEntry:
    step: Step
    document: DocumentInfo
    folder_id: str | None


class DocumentRegistry:
    def __init__(self, target: Path | StateDB) -> None:
        self._db = open_state(target)
        self._db.ensure(_SCHEMA)
        columns = self._db.columns("documents")
        for column, statement in _MIGRATIONS.items():
            if column not in columns:
                self._db.execute(statement)
        self._db.ensure("CREATE INDEX IF NOT EXISTS documents_by_folder ON documents (folder_id)")

    # -- reading ---------------------------------------------------------------------------------

    def is_current(self, doc_id: str, content_hash: str, groups: tuple[str, ...] = ("everyone",)) -> bool:
        """Published with this content and these readers: a new group list is a change like new content."""
        row = self._one("SELECT content_hash, status, groups FROM documents WHERE doc_id = ? AND NOT EXISTS "
                        "(SELECT 1 FROM ingest_journal WHERE ingest_journal.doc_id = documents.doc_id)", doc_id)
        return row is not None and row == (content_hash, "done", _groups_json(groups))  # and nothing in flight

    def get(self, doc_id: str) -> DocumentInfo | None:
        row = self._one(f"SELECT {_COLUMNS} FROM documents WHERE doc_id = ? AND status = 'done'", doc_id)
        return _to_info(row) if row else None

    def list(self, collection: str | None = None) -> list[DocumentInfo]:
        sql = f"SELECT {_COLUMNS} FROM documents WHERE status = 'done'"
        args: tuple = ()
        if collection is not None:
            sql, args = sql + " AND collection = ?", (collection,)
        return [_to_info(r) for r in self._db.execute(sql + " ORDER BY source", args).rows]

    def in_folder(self, folder_id: str, collection: str) -> list[DocumentInfo]:
        """Documents last ingested from the folder with this id (for `--sync`)."""
        rows = self._db.execute(f"SELECT {_COLUMNS} FROM documents WHERE folder_id = ? AND collection = ? "
                                "ORDER BY source", (folder_id, collection)).rows
        return [_to_info(r) for r in rows]

    def unfinished(self, doc_id: str | None = None) -> list[JournalEntry]:
        """Interrupted writes: all of them, or the one of this document."""
        sql, args = "SELECT step, document, folder_id FROM ingest_journal", ()
        if doc_id is not None:
            sql, args = sql + " WHERE doc_id = ?", (doc_id,)
        rows = self._db.execute(sql, args).rows
        return [JournalEntry(step, _info_from_json(document), folder) for step, document, folder in rows]

    # -- the journal -----------------------------------------------------------------------------

    def begin(self, step: Step, info: DocumentInfo, folder_id: str | None = None) -> None:
        """Record a write (or a removal) before the store sees it."""
        self._db.execute(_BEGIN, (info.doc_id, step, _info_json(info), folder_id))

    def advance(self, doc_id: str, step: Step) -> None:
        self._db.execute("UPDATE ingest_journal SET step = ? WHERE doc_id = ?", (step, doc_id))

    def published(self, info: DocumentInfo, folder_id: str | None = None,
                  also: Callable[[Tx], None] | None = None) -> None:
        """The new version is what the store shows: record it and close the journal entry.
        `also` runs in the same transaction (the queue marks its job's file done there)."""
        with self._db.transaction() as tx:
            tx.execute(_WRITE_DOCUMENT, (info.doc_id, info.collection, info.source, info.content_hash,
                                         info.ingested_at, info.chunks, json.dumps(info.redactions, sort_keys=True),
                                         _groups_json(info.groups), "done", folder_id))
            tx.execute("DELETE FROM ingest_journal WHERE doc_id = ?", (info.doc_id,))
            if also is not None:
                also(tx)

    def writing(self, doc_id: str):
        """Held while a document is written: one writer per document, in any process on any machine."""
        return self._db.lock("veil/doc/" + doc_id)

    def record(self, also: Callable[[Tx], None] | None) -> None:
        """Run `also` in a transaction of the registry's database (a queue job's file, when nothing is written)."""
        if also is not None:
            with self._db.transaction() as tx:
                also(tx)

    def abandon(self, doc_id: str) -> None:
        """A write that was undone (its staged points discarded): the published version stays."""
        self._db.execute("DELETE FROM ingest_journal WHERE doc_id = ?", (doc_id,))

    def removed(self, doc_id: str) -> None:
        with self._db.transaction() as tx:
            tx.execute("DELETE FROM documents WHERE doc_id = ?", (doc_id,))
            tx.execute("DELETE FROM ingest_journal WHERE doc_id = ?", (doc_id,))

    def close(self) -> None:
        self._db.close()

    def _one(self, sql: str, *args):
        return self._db.execute(sql, args).one()


def _groups_json(groups: tuple[str, ...]) -> str:
    return json.dumps(sorted(set(groups)))


def _to_info(row) -> DocumentInfo:
    doc_id, collection, source, content_hash, ingested_at, chunks, redactions, groups = row
    return DocumentInfo(doc_id, collection, source, content_hash, ingested_at, chunks, json.loads(redactions),
                        tuple(json.loads(groups)))


def _info_json(info: DocumentInfo) -> str:
    return json.dumps({"doc_id": info.doc_id, "collection": info.collection, "source": info.source,
                       "content_hash": info.content_hash, "ingested_at": info.ingested_at, "chunks": info.chunks,
                       "redactions": info.redactions, "groups": list(info.groups)}, sort_keys=True)


def _info_from_json(text: str) -> DocumentInfo:
    d = json.loads(text)
    return DocumentInfo(d["doc_id"], d["collection"], d["source"], d["content_hash"], d["ingested_at"],
                        d["chunks"], d["redactions"], tuple(d["groups"]))
