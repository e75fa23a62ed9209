"""The ingest pipeline: parse -> redact -> chunk -> embed -> write, in stages a caller can run one file at a time.

`prepare` (redact and chunk parsed elements), `embed` (any number of prepared documents in one batch)
and `write` (stage, audit, publish, record) are separate so that the bulk ingest (`ingest.bulk`) can
parse in worker processes and batch the embedding across files, and a queue worker can run the same
stages. One broken file never stops a batch: every failure becomes a FileResult with a reason, and the
reason itself passes through the redactor before anyone sees it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path, PurePath
from typing import Literal

import numpy as np

from core import ids
from core.audit import AuditLog
from core.errors import VeilError
from core.settings import ChunkingSettings
from core.state import Tx
from core.types import Chunk, DocumentInfo, Element, EmbeddedChunk, Redacted, RedactedElement, Span
from ingest.auditing import LocatedSpan, ingest_events, locate_spans
from ingest.base import ParsedFile, Parser, untrusted
from ingest.chunking import chunk_document
from ingest.collection_policies import CollectionPolicies
from ingest.collections import CollectionEmbedders
from ingest.names import DEFAULT_GROUPS, collection_name, display_name, reader_groups
from ingest.registry import DocumentRegistry, JournalEntry
from ingest.sources import SourceFile, iter_sources, read_source
from redaction.base import Redactor
from redaction.policies import DEFAULT_POLICY, RedactionPolicy
from redaction.refine.common_words import common_words_shown, lowercase_words
from redaction.source_names import SourceName
from redaction.spans import DetectedDocument
from redaction.vault import PseudonymVault
from retrieval.base import Embedder, VectorStore
from retrieval.identity import EmbedderIdentity

log = logging.getLogger(__name__)

# erased: an erasure request removed the document (`ingest.subjects`); no ingest writes it until the mark is lifted
# unreachable: `--sync` found the document redacted under another policy than its collection's now, and
# its source among none of the paths given: it keeps its published version until its file is ingested again.
Status = Literal["ingested", "unchanged", "updated", "deleted", "erased", "failed", "unreachable"]
STATUSES: tuple[Status, ...] = ("ingested", "unchanged", "updated", "deleted", "erased", "failed", "unreachable")
__all__ = ["DEFAULT_GROUPS", "Embedded", "FileResult", "IngestPipeline", "IngestReport", "PreparedDocument", "SourceFile",
           "collection_name", "display_name", "iter_sources", "reader_groups"]


@dataclass(frozen=True)
class FileResult:
    path: str
    status: Status
    chunks: int = 0
    error: str | None = None
    doc_id: str | None = None
    redactions: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class IngestReport:
    files: tuple[FileResult, ...]

    def totals(self) -> dict[str, int]:
        out = {"files": len(self.files), **{s: 0 for s in STATUSES}, "chunks": 0, "redactions": 0}
        for result in self.files:
            out[result.status] += 1
            out["chunks"] += result.chunks
            out["redactions"] += sum(result.redactions.values())
        return out


@dataclass(frozen=True)
class PreparedDocument:
    """A document redacted and chunked, ready to embed: nothing in it is raw."""

    info: DocumentInfo
    chunks: list[Chunk]
    located: list[LocatedSpan]
    name_spans: list[Span]
    replaces: bool  # an earlier version is published


@dataclass(frozen=True)
class Embedded:
    """One array of vectors per document, and the embedder that made them."""

    identity: EmbedderIdentity
    vectors: list[np.ndarray]


@dataclass(frozen=True)
class Incoming:
    """A file's bytes, checked against the registry: what must happen to it."""

    data: bytes
    name: str
    doc_id: str
    digest: str
    collection: str
    groups: tuple[str, ...]
    policy: RedactionPolicy = DEFAULT_POLICY  # the collection's redaction policy


class IngestPipeline:
    def __init__(self, parser: Parser, redactor: Redactor, embedder: Embedder, store: VectorStore,
                 registry: DocumentRegistry, chunking: ChunkingSettings, max_file_bytes: int,
                 audit: AuditLog | None = None, vault: PseudonymVault | None = None, sole_writer: bool = True,
                 policies: CollectionPolicies | None = None, embedders: CollectionEmbedders | None = None) -> None:
        """`sole_writer`: this process is the only one writing the store (the embedded store), so it may
        repair every interrupted write at once; with a shared store it repairs a document before writing it.
        `policies`: each collection's redaction policy (None: every collection redacts under `default`).
        `embedders`: each collection's embedder (`ingest.collections`); default: `embedder` for every
        collection recorded with it, a refusal for the others."""
        self._parser, self._redactor, self._embedder = parser, redactor, embedder
        self.embedders = embedders or CollectionEmbedders(embedder, registry.collections)
        self._store, self._registry, self._chunking = store, registry, chunking
        self.max_file_bytes = max_file_bytes
        self._audit, self._vault, self.sole_writer = audit, vault, sole_writer
        self.policies = policies

    def policy_of(self, collection: str) -> RedactionPolicy:
        return self.policies.current(collection) if self.policies is not None else DEFAULT_POLICY

    # -- one file, start to end (REST uploads, small batches) ------------------------------------

    def ingest_paths(self, paths: Sequence[Path], collection: str,
                     on_result: Callable[[FileResult], None] | None = None) -> IngestReport:
        results = []
        for source in iter_sources(paths):
            result = self.ingest_source(source, collection)
            results.append(result)
            if on_result:
                on_result(result)
        return IngestReport(tuple(results))

    def ingest_file(self, path: Path, collection: str, name: str | None = None,
                    groups: Sequence[str] = DEFAULT_GROUPS) -> FileResult:
        """`name` is what is stored (redacted) and shown; the resolved path is the identity."""
        return self.ingest_source(SourceFile(path, name or path.name), collection, groups)

    def ingest_source(self, source: SourceFile, collection: str,
                      groups: Sequence[str] = DEFAULT_GROUPS) -> FileResult:
        try:
            data = read_source(source, self.max_file_bytes)
        except VeilError as exc:
            return FileResult(source.name, "failed", error=str(exc))
        return self.ingest_bytes(data, source.name, source.source_key, collection, groups, source.folder_id)

    def ingest_bytes(self, data: bytes, name: str, source_key: str, collection: str,
                     groups: Sequence[str] = DEFAULT_GROUPS, folder_id: str | None = None) -> FileResult:
        """`groups`: who may read the document (a principal whose groups overlap these)."""
        name = display_name(name)
        checked = self.check(data, name, source_key, collection, groups)
        if isinstance(checked, FileResult):
            return checked
        try:
            prepared = self.prepare(checked, self._parser.parse(data, PurePath(name).name))
            embedded = self.embed_all([prepared])
            return self.write(prepared, embedded.vectors[0], folder_id, embedded_with=embedded.identity)
        except Exception as exc:  # one broken file never stops the batch
            return self.failed(name, exc, checked.doc_id)

    def warm_up(self, detection: bool = True) -> None:
        """Load the redaction and embedding models now, so the first file is not the slow one.
        `detection=False`: the parsing workers detect, so this process may never need the detector."""
        self._embedder.embed_query("warm-up")
        if detection:
            self._redactor.redact(["warm-up"])

    # -- the stages ------------------------------------------------------------------------------

    def check(self, data: bytes, name: str, source_key: str, collection: str,
              groups: Sequence[str] = DEFAULT_GROUPS) -> Incoming | FileResult:
        """One hash decides: an unchanged file ends here.

        Names are checked first, before anything is written: a collection or group Veil cannot store
        fails the file here (every entry point also refuses them earlier), and `name` - the client's -
        becomes a safe display name (`ingest.names.display_name`)."""
        name = display_name(name)
        try:
            collection = collection_name(collection)
            readers = reader_groups(groups)
        except VeilError as exc:
            return FileResult(name, "failed", error=str(exc))
        doc_id = ids.document_id(collection, source_key)
        digest = ids.content_hash(data)
        if self._registry.is_erased(doc_id, digest):
            return FileResult(name, "erased", doc_id=doc_id)
        try:
            policy = self.policy_of(collection)
        except VeilError as exc:  # a deny list sealed under another key: never redact with less than it says
            return FileResult(name, "failed", error=str(exc), doc_id=doc_id)
        if self._registry.is_current(doc_id, digest, readers, policy.label):
            return FileResult(name, "unchanged", doc_id=doc_id)
        return Incoming(data, name, doc_id, digest, collection, readers, policy)

    def prepare(self, incoming: Incoming, elements: Sequence[Element]) -> PreparedDocument:
        """Redact the parsed elements and the file name, then chunk the redacted text."""
        return self._prepare_one(incoming, ParsedFile(untrusted(elements)))

    def prepare_many(self, parsed: Sequence[tuple[Incoming, ParsedFile]]) -> list[PreparedDocument | Exception]:
        """`prepare` for several documents, their redaction batched (detection too, where the parsing
        workers did not do it already); a document that fails is its exception."""
        # neutralised here whoever parsed: the workers did it too, but the store's markup is this process's to guard
        parsed = [(incoming, ParsedFile(untrusted(p.elements), p.detected)) for incoming, p in parsed]
        try:
            redacted = self._redact_parsed(parsed)
        except Exception:  # find the one that failed: each on its own
            return [_or_exception(self._prepare_one, incoming, p) for incoming, p in parsed]
        return [_or_exception(self._assemble, incoming, p.elements, name, texts)
                for (incoming, p), (name, texts) in zip(parsed, redacted)]

    def _prepare_one(self, incoming: Incoming, parsed: ParsedFile) -> PreparedDocument:
        return self._assemble(incoming, parsed.elements, *self._redact_parsed([(incoming, parsed)])[0])

    def _assemble(self, incoming: Incoming, elements: Sequence[Element], red_name: Redacted,
                  redacted: list[Redacted]) -> PreparedDocument:
        red_elements = [RedactedElement(r.text, e.page, e.category, r.spans) for e, r in zip(elements, redacted)]
        located = locate_spans(red_elements)
        spans = chunk_document(red_elements, self._chunking.size, self._chunking.overlap)
        info = DocumentInfo(incoming.doc_id, incoming.collection, red_name.text, incoming.digest, _now(),
                            len(spans), _sum_counts([red_name, *redacted]), incoming.groups, incoming.policy.label)
        lowercase = lowercase_words([e.text for e in red_elements])
        chunks = [Chunk(ids.chunk_id(info.doc_id, i, info.version), info.doc_id, i, s.text, s.page, s.start,
                        s.end, _counts_in(located, s.start, s.end), common_words_shown(s.text, lowercase))
                  for i, s in enumerate(spans)]
        replaces = self._registry.get(incoming.doc_id) is not None
        return PreparedDocument(info, chunks, located, list(red_name.spans), replaces)

    def embed(self, documents: Sequence[PreparedDocument]) -> list[np.ndarray]:
        """One embedding batch for all their chunks; one array of vectors per document."""
        return self.embed_all(documents).vectors

    def embed_all(self, documents: Sequence[PreparedDocument]) -> Embedded:
        """`embed`, with the identity of the embedder used: the documents' collection's (one collection)."""
        collections = {d.info.collection for d in documents}
        if len(collections) > 1:
            raise ValueError("one embedding batch holds the documents of one collection")
        embedder = self.embedders.for_collection(collections.pop()) if collections else self._embedder
        texts = [c.text for d in documents for c in d.chunks]
        vectors = embedder.embed_documents(texts) if texts else np.zeros((0, embedder.dim))
        out, start = [], 0
        for document in documents:
            out.append(vectors[start:start + len(document.chunks)])
            start += len(document.chunks)
        return Embedded(embedder.identity, out)

    def write(self, prepared: PreparedDocument, vectors: np.ndarray, folder_id: str | None = None,
              on_commit: Callable[[Tx, FileResult], None] | None = None,
              embedded_with: EmbedderIdentity | None = None) -> FileResult:
        """Stage the new version, audit it, publish it (the old version goes in the same step), record it.

        The journal names each step first, so `repair` can finish or undo it after a crash. One writer
        of a document at a time, across processes and machines (a lock in the state database); it first
        repairs that document's interrupted write, if any. `on_commit` runs inside the transaction that
        records the result (a queue job marks its file there). `embedded_with`: the embedder that made
        `vectors` (`embed_all`; default: the collection's now); vectors of another embedder than the
        collection's, or written while it is being re-indexed, are refused (`ingest.collections`)."""
        info = prepared.info
        with self._registry.writing(info.doc_id):
            self.repair(info.doc_id)
            if self._registry.is_erased(info.doc_id, info.content_hash):  # erased since it was checked
                return self._ends_here(FileResult(info.source, "erased", doc_id=info.doc_id), on_commit)
            if self.is_published(info):  # the same version, written meanwhile by another task or process
                return self._ends_here(FileResult(info.source, "unchanged", doc_id=info.doc_id), on_commit)
            identity = embedded_with or self.embedders.for_collection(info.collection).identity
            self.embedders.check_write(info.collection, identity)
            return self._write_locked(prepared, vectors, folder_id, on_commit)

    def _ends_here(self, result: FileResult, on_commit: Callable[[Tx, FileResult], None] | None) -> FileResult:
        """Nothing to write: the result is still recorded where the caller records it (a queue job's file)."""
        self._registry.record(None if on_commit is None else lambda tx: on_commit(tx, result))
        return result

    def _write_locked(self, prepared: PreparedDocument, vectors: np.ndarray, folder_id: str | None,
                      on_commit: Callable[[Tx, FileResult], None] | None) -> FileResult:
        info = prepared.info
        result = FileResult(info.source, "updated" if prepared.replaces else "ingested", chunks=info.chunks,
                            doc_id=info.doc_id, redactions=info.redactions)
        self._registry.begin("writing", info, folder_id)
        try:
            self._store.stage([EmbeddedChunk(c, info, v) for c, v in zip(prepared.chunks, vectors)])
            if self._audit:  # before publishing: a crash here re-ingests, and the audit trail is complete
                self._audit.append_many(ingest_events(info, prepared.chunks, prepared.located, prepared.name_spans))
            self._registry.advance(info.doc_id, "publishing")
        except Exception:
            self._roll_back(info)
            raise
        # From here the journal says `publishing`: a failure is finished by the next repair (publishing is idempotent).
        self._store.publish(info.collection, info.doc_id, info.version)
        self._registry.published(info, folder_id, None if on_commit is None else lambda tx: on_commit(tx, result))
        log.info("ingested %s: %d chunks, redactions %s", info.source, info.chunks, info.redactions)
        return result

    def _roll_back(self, info: DocumentInfo) -> None:
        """Undo a write that failed before it was published: the journal back to `writing` first (so a
        half-done undo is never published), the staged points dropped, the entry closed. What cannot be
        undone now stays in the journal for `repair`."""
        try:
            self._registry.advance(info.doc_id, "writing")
            self._store.discard(info.collection, info.doc_id, info.version)
            self._registry.abandon(info.doc_id)
        except Exception as exc:
            log.warning("could not undo the failed write of %s now (%s); the next start repairs it",
                        info.doc_id, type(exc).__name__)

    @property
    def registry(self) -> DocumentRegistry:
        return self._registry

    def stored_name(self, doc_id: str | None) -> str | None:
        """The published document's name as stored (redacted), without running the redactor again."""
        info = self._registry.get(doc_id) if doc_id else None
        return info.source if info else None

    def is_published(self, info: DocumentInfo) -> bool:
        """This very version is what the store shows (a second writer of the same file can stop)."""
        return self._registry.is_current(info.doc_id, info.content_hash, info.groups, info.policy)

    def failed(self, name: str, exc: Exception, doc_id: str | None = None) -> FileResult:
        reason = self.safe_reason(exc)
        log.warning("ingest failed for %s (%s): %s", self.safe_name(name, getattr(exc, "name_detected", None)),
                    doc_id, reason)
        return FileResult(name, "failed", error=reason, doc_id=doc_id)

    def delete(self, collection: str, doc_id: str) -> int:
        collection = collection_name(collection)  # before the journal: a name the store refuses is never recorded
        info = self._registry.get(doc_id) or DocumentInfo(doc_id, collection, "", "", _now(), 0)
        self._registry.begin("deleting", info)
        removed = self._store.delete_document(collection, doc_id)
        if self._vault:
            self._vault.forget(doc_id)
        if self._audit:
            self._audit.append("document.deleted", {"doc_id": doc_id, "collection": collection, "chunks": removed})
        self._registry.removed(doc_id)
        return removed

    def erase(self, doc_id: str, request: str) -> DocumentInfo | None:
        """Remove a document for an erasure request and mark it so no ingest writes it again: its points
        (vectors, BM25 entries, payload) and its vault entries. One writer of the document at a time; the
        mark and the journal's `deleting` are one transaction, so `repair` finishes a removal a crash cut
        short. Returns the removed document (`chunks`: points removed), None when it is not published."""
        with self._registry.writing(doc_id):
            self.repair(doc_id)
            info = self._registry.get(doc_id)
            if info is None:
                return None
            self._registry.begin_erasure(info, request)
            removed = self._store.delete_document(info.collection, doc_id)
            if self._vault:
                self._vault.forget(doc_id)
            self._registry.removed(doc_id)
        log.info("erased document %s (%d chunks) for erasure request %s", doc_id, removed, request)
        return replace(info, chunks=removed)

    def documents_in_folder(self, folder_id: str, collection: str) -> list[DocumentInfo]:
        return self._registry.in_folder(folder_id, collection)

    def under_other_policy(self, collection: str) -> list[DocumentInfo]:
        """Published documents of the collection redacted under another policy than its current one."""
        return self._registry.under_other_policy(collection, self.policy_of(collection).label)

    def repair(self, doc_id: str | None = None) -> list[str]:
        """Finish or undo what a crash interrupted (see `ingest.registry`); returns the doc ids touched.

        `doc_id`: only that document's interrupted write - what a queue worker about to write it may
        repair, since with a shared store other writers' entries are theirs, in flight."""
        if doc_id is None and not self.sole_writer:
            log.info("shared store: each writer repairs the document it is about to write")
            return []
        touched = []
        for entry in self._registry.unfinished(doc_id):
            try:
                self._repair_one(entry)
            except Exception as exc:
                if doc_id is not None:  # the writer of this document: its file fails, with the reason
                    raise
                # One document's entry never stops a start: the others are repaired, this one is tried
                # again next time (an entry that can never be repaired was quarantined by `unfinished`).
                log.error("could not repair the interrupted %s of %s (%s); skipped, the next start tries again",
                          entry.step, entry.document.doc_id, type(exc).__name__)
                continue
            log.info("repaired an interrupted %s of %s", entry.step, entry.document.doc_id)
            touched.append(entry.document.doc_id)
        return touched

    def _repair_one(self, entry: JournalEntry) -> None:
        info = entry.document
        if entry.step == "writing":
            self._store.discard(info.collection, info.doc_id, info.version)
            self._registry.abandon(info.doc_id)
        elif entry.step == "publishing":
            self._store.publish(info.collection, info.doc_id, info.version)
            self._registry.published(info, entry.folder_id)
        else:
            self.delete(info.collection, info.doc_id)

    def _redact_parsed(self, parsed: Sequence[tuple[Incoming, ParsedFile]]) -> list[tuple[Redacted, list[Redacted]]]:
        """Each file name is redacted with its text: one placeholder numbering, one propagation pass.

        The name goes last, so the body's placeholders are numbered as if it were not there (and the
        parsing workers' detection reads the texts in this order: `ParsedFile.detected`).
        """
        names = [SourceName(incoming.name) for incoming, _ in parsed]
        batch = [([*(e.text for e in p.elements), *name.texts()], incoming.doc_id)
                 for (incoming, p), name in zip(parsed, names)]
        policies = [incoming.policy for incoming, _ in parsed]
        detected = [p.detected for _, p in parsed]
        out = []
        for (_, p), name, redacted in zip(parsed, names, self._redactor.redact_documents(batch, policies, detected)):
            out.append((name.rebuild(redacted[len(p.elements):]), redacted[:len(p.elements)]))
        return out

    def safe_name(self, name: str, detected: DetectedDocument | None = None) -> str:
        """A failed file's name for logs and job records: redacted on its own, or withheld. `detected`:
        detection already run on the name's texts (by a parsing worker, `SandboxedParser.submit_detected`)."""
        try:
            source = SourceName(display_name(name))
            redacted = self._redactor.redact_documents([(source.texts(), None)], detected=[detected])[0]
            return source.rebuild(redacted).text
        except Exception:
            return "<file name withheld>"

    def safe_reason(self, exc: Exception) -> str:
        """Our own errors are written to be safe; a library's message may quote the document."""
        if isinstance(exc, VeilError):
            return str(exc)
        message = f"{type(exc).__name__}: {str(exc)[:300]}"
        try:
            return self._redactor.redact([message])[0].text
        except Exception:
            return type(exc).__name__


def _or_exception(function, *args):
    try:
        return function(*args)
    except Exception as exc:  # reported per file by the caller
        return exc


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _sum_counts(redacted) -> dict[str, int]:
    total: dict[str, int] = {}
    for r in redacted:
        for kind, n in r.counts().items():
            total[kind] = total.get(kind, 0) + n
    return total


def _counts_in(located: list[LocatedSpan], start: int, end: int) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in located:
        if start <= item.offset < end:
            counts[item.span.entity_type] = counts.get(item.span.entity_type, 0) + 1
    return counts
