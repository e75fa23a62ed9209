"""Document registry and ingest journal (SQLite under the data dir).

`documents` lists the published version of every document. `ingest_journal` records the one write in
flight per document and how far it got, so that a crash at any moment is repaired on the next start:

- `writing`: the new version's points are being staged (invisible). Repair discards them; the file is
  ingested again by the next run, since its registry row still names the old version.
- `publishing`: every point is staged. Repair publishes (idempotent), then records the new version.
- `deleting`: the document is being removed. Repair removes it again.

`erased_documents` marks the documents removed by an erasure request (`ingest.subjects`): no ingest
path writes a file whose id or content is marked (status `erased`) until an admin lifts the mark. The
mark and the `deleting` journal row are written in one transaction, so a crash mid-erasure leaves a
marked document that the next repair finishes removing.

A row that can never be repaired - its JSON unreadable, or a collection or group name the store
refuses (written by hand, or by a Veil before names were checked at every entry point) - must not
stop every later start: `unfinished` moves it to `ingest_quarantine` (same columns plus the reason)
and logs its document id and the reason, never the row's values. `begin` refuses such names, so
Veil itself never writes one. A `documents` row that cannot be read is skipped by the listings.

Publishing the new version and recording it are separate steps, but in between the store already shows
exactly one version; the row's update, the journal's end and the queue job's file (`ingest.jobs`)
share one transaction, so a redelivered task finds its file finished.

The tables live in `veil.db` or in the shared PostgreSQL database (`core.state`).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal

from core.errors import VeilError
from core.state import StateDB, Tx, open_state, upsert
from core.types import DocumentInfo
from ingest.collections import CollectionRecords
from ingest.names import collection_name, reader_groups

log = logging.getLogger(__name__)

Step = Literal["writing", "publishing", "deleting"]
STEPS = ("writing", "publishing", "deleting")
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")

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
    folder_id    TEXT,
    policy       TEXT NOT NULL DEFAULT 'default'
);
CREATE INDEX IF NOT EXISTS documents_by_collection ON documents (collection);
CREATE TABLE IF NOT EXISTS ingest_journal (
    doc_id    TEXT PRIMARY KEY,
    step      TEXT NOT NULL CHECK (step IN ('writing', 'publishing', 'deleting')),
    document  TEXT NOT NULL,
    folder_id TEXT
);
CREATE TABLE IF NOT EXISTS ingest_quarantine (
    doc_id    TEXT NOT NULL,
    step      TEXT NOT NULL,
    document  TEXT NOT NULL,
    folder_id TEXT,
    reason    TEXT NOT NULL,
    at        TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS erased_documents (
    doc_id       TEXT PRIMARY KEY,
    collection   TEXT NOT NULL,
    source       TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    request      TEXT NOT NULL,
    at           TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS erased_by_content ON erased_documents (content_hash)
"""
_MIGRATIONS = {  # registries written before a column existed
    "groups": """ALTER TABLE documents ADD COLUMN groups TEXT NOT NULL DEFAULT '["everyone"]'""",
    "folder_id": "ALTER TABLE documents ADD COLUMN folder_id TEXT",
    "policy": "ALTER TABLE documents ADD COLUMN policy TEXT NOT NULL DEFAULT 'default'",
}
_COLUMNS = "doc_id, collection, source, content_hash, ingested_at, chunks, redactions, groups, policy"
_WRITE_DOCUMENT = upsert("documents", [*_COLUMNS.split(", "), "status", "folder_id"], ["doc_id"])
_BEGIN = upsert("ingest_journal", ["doc_id", "step", "document", "folder_id"], ["doc_id"])
_MARK = upsert("erased_documents", ["doc_id", "collection", "source", "content_hash", "request", "at"], ["doc_id"])


@dataclass(frozen=True)
class ErasureMark:
    """A document an erasure request removed: `request` names it in the audit trail (`subject.forgotten`)."""

    doc_id: str
    collection: str
    source: str  # the stored (redacted) name
    content_hash: str
    request: str
    at: str


@dataclass(frozen=True)
class JournalEntry:
    step: Step
    document: DocumentInfo
    folder_id: str | None


class DocumentRegistry:
    def __init__(self, target: Path | StateDB) -> None:
        self._db = open_state(target)
        self.db = self._db  # collection policies live beside the registry (`ingest.collection_policies`)
        self._db.ensure(_SCHEMA)
        columns = self._db.columns("documents")
        for column, statement in _MIGRATIONS.items():
            if column not in columns:
                self._db.execute(statement)
        self._db.ensure("CREATE INDEX IF NOT EXISTS documents_by_folder ON documents (folder_id)")
        self.collections = CollectionRecords(self._db)  # each collection's embedder (`ingest.collections`)

    # -- reading ---------------------------------------------------------------------------------

    def is_current(self, doc_id: str, content_hash: str, groups: tuple[str, ...] = ("everyone",),
                   policy: str = "default") -> bool:
        """Published with this content, these readers and this redaction policy (its label): a new group
        list or policy is a change like new content."""
        row = self._one("SELECT content_hash, status, groups, policy FROM documents WHERE doc_id = ? AND NOT EXISTS "
                        "(SELECT 1 FROM ingest_journal WHERE ingest_journal.doc_id = documents.doc_id)", doc_id)
        return row is not None and row == (content_hash, "done", _groups_json(groups), policy)  # nothing in flight

    def get(self, doc_id: str) -> DocumentInfo | None:
        row = self._one(f"SELECT {_COLUMNS} FROM documents WHERE doc_id = ? AND status = 'done'", doc_id)
        found = _readable([row]) if row else []  # an unreadable row reads as absent: a re-ingest rewrites it
        return found[0] if found else None

    def list(self, collection: str | None = None) -> list[DocumentInfo]:
        sql = f"SELECT {_COLUMNS} FROM documents WHERE status = 'done'"
        args: tuple = ()
        if collection is not None:
            sql, args = sql + " AND collection = ?", (collection,)
        return _readable(self._db.execute(sql + " ORDER BY source", args).rows)

    def in_folder(self, folder_id: str, collection: str) -> list[DocumentInfo]:
        """Documents last ingested from the folder with this id (for `--sync`)."""
        rows = self._db.execute(f"SELECT {_COLUMNS} FROM documents WHERE folder_id = ? AND collection = ? "
                                "ORDER BY source", (folder_id, collection)).rows
        return _readable(rows)

    def under_other_policy(self, collection: str, policy: str) -> list[DocumentInfo]:
        """Published documents of the collection redacted under another policy label (`--sync`)."""
        rows = self._db.execute(f"SELECT {_COLUMNS} FROM documents WHERE collection = ? AND policy <> ? "
                                "AND status = 'done' ORDER BY source", (collection, policy)).rows
        return _readable(rows)

    def unfinished(self, doc_id: str | None = None) -> list[JournalEntry]:
        """Interrupted writes: all of them, or the one of this document. A row that can never be
        repaired is quarantined on the way (see the module's docstring), never returned."""
        sql, args = "SELECT doc_id, step, document, folder_id FROM ingest_journal", ()
        if doc_id is not None:
            sql, args = sql + " WHERE doc_id = ?", (doc_id,)
        entries = []
        for row_id, step, document, folder in self._db.execute(sql, args).rows:
            try:
                entries.append(_journal_entry(row_id, step, document, folder))
            except (VeilError, ValueError, KeyError, TypeError) as exc:
                self.quarantine(row_id, _problem(exc))
        return entries

    def quarantine(self, doc_id: str, reason: str) -> None:
        """Move a journal row that can never be repaired out of the journal, keeping it for a person."""
        with self._db.transaction() as tx:
            tx.execute("INSERT INTO ingest_quarantine (doc_id, step, document, folder_id, reason, at) "
                       "SELECT doc_id, step, document, folder_id, ?, ? FROM ingest_journal WHERE doc_id = ?",
                       (reason, datetime.now(timezone.utc).isoformat(timespec="seconds"), doc_id))
            tx.execute("DELETE FROM ingest_journal WHERE doc_id = ?", (doc_id,))
        log.error("quarantined the ingest journal entry of document %s: %s (kept in ingest_quarantine)",
                  logged_id(doc_id), reason)

    def quarantined(self) -> list[tuple[str, str]]:
        """(doc_id, reason) of every quarantined journal row."""
        return [tuple(r) for r in self._db.execute("SELECT doc_id, reason FROM ingest_quarantine ORDER BY at").rows]

    # -- erasure marks ---------------------------------------------------------------------------

    def is_erased(self, doc_id: str, content_hash: str | None = None) -> bool:
        """Marked by an erasure request: this document, or a file with the very bytes of one (a copy elsewhere)."""
        row = self._one("SELECT 1 FROM erased_documents WHERE doc_id = ? OR content_hash = ?", doc_id,
                        content_hash or "-")
        return row is not None

    def begin_erasure(self, info: DocumentInfo, request: str) -> None:
        """Mark the document erased and journal its removal, in one transaction (see the module's docstring)."""
        with self._db.transaction() as tx:
            tx.execute(_MARK, (info.doc_id, info.collection, info.source, info.content_hash, request, _now()))
            tx.execute(_BEGIN, (info.doc_id, "deleting", _info_json(info), None))

    def lift_erasure(self, doc_id: str) -> ErasureMark | None:
        """Remove the mark (an admin's decision, audited by the caller); None when there was none."""
        with self._db.transaction() as tx:
            row = tx.execute(f"SELECT {_MARK_COLUMNS} FROM erased_documents WHERE doc_id = ?", (doc_id,)).one()
            tx.execute("DELETE FROM erased_documents WHERE doc_id = ?", (doc_id,))
        return ErasureMark(*row) if row else None

    def erasures(self) -> list[ErasureMark]:
        rows = self._db.execute(f"SELECT {_MARK_COLUMNS} FROM erased_documents ORDER BY at, doc_id").rows
        return [ErasureMark(*row) for row in rows]

    # -- the journal -----------------------------------------------------------------------------

    def begin(self, step: Step, info: DocumentInfo, folder_id: str | None = None) -> None:
        """Record a write (or a removal) before the store sees it. A name the store would refuse is
        refused here, before the row: such a row could never be repaired."""
        collection_name(info.collection)
        reader_groups(info.groups)
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
                                         _groups_json(info.groups), info.policy, "done", folder_id))
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


_MARK_COLUMNS = "doc_id, collection, source, content_hash, request, at"


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _groups_json(groups: tuple[str, ...]) -> str:
    return json.dumps(sorted(set(groups)))


def _to_info(row) -> DocumentInfo:
    doc_id, collection, source, content_hash, ingested_at, chunks, redactions, groups, policy = row
    return DocumentInfo(doc_id, collection, source, content_hash, ingested_at, chunks, json.loads(redactions),
                        tuple(json.loads(groups)), policy)


def _readable(rows) -> list[DocumentInfo]:
    """Rows as documents; a row that cannot be read (edited by hand) is skipped, saying so."""
    out = []
    for row in rows:
        try:
            out.append(_to_info(row))
        except (ValueError, TypeError) as exc:
            log.error("skipped the unreadable registry row of document %s (%s)", logged_id(row[0]), type(exc).__name__)
    return out


def _journal_entry(doc_id: str, step: str, document: str, folder_id: str | None) -> JournalEntry:
    """A journal row, checked: a step Veil knows, readable JSON of this document, names the store takes."""
    if step not in STEPS:
        raise ValueError("unknown step")
    info = _info_from_json(document)
    if info.doc_id != doc_id:
        raise ValueError("the entry names another document")
    collection_name(info.collection)
    reader_groups(info.groups)
    return JournalEntry(step, info, folder_id)


def _problem(exc: Exception) -> str:
    """Why a row was quarantined, without its values (a VeilError here quotes the bad name)."""
    if isinstance(exc, VeilError):
        return "invalid collection name" if "collection" in str(exc) else "invalid group name"
    if isinstance(exc, KeyError):
        return "a field is missing"
    return str(exc) if str(exc) in ("unknown step", "the entry names another document") else "unreadable entry"


def logged_id(doc_id) -> str:
    """A document id for the log: Veil's ids are uuids; anything else written into the database is withheld."""
    return doc_id if isinstance(doc_id, str) and _UUID.match(doc_id) else "<malformed id>"


def _info_json(info: DocumentInfo) -> str:
    return json.dumps({"doc_id": info.doc_id, "collection": info.collection, "source": info.source,
                       "content_hash": info.content_hash, "ingested_at": info.ingested_at, "chunks": info.chunks,
                       "redactions": info.redactions, "groups": list(info.groups), "policy": info.policy},
                      sort_keys=True)


def _info_from_json(text: str) -> DocumentInfo:
    d = json.loads(text)
    return DocumentInfo(d["doc_id"], d["collection"], d["source"], d["content_hash"], d["ingested_at"],
                        d["chunks"], d["redactions"], tuple(d["groups"]), d.get("policy", "default"))
