"""The ingest pipeline: parse -> redact -> chunk -> embed -> upsert, one file at a time.

One broken file never stops a batch: every failure becomes a FileResult with a reason, and the
reason itself passes through the redactor before anyone sees it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path, PurePath
from typing import Literal

from core import ids
from core.errors import VeilError
from core.settings import ChunkingSettings
from core.types import Chunk, DocumentInfo, EmbeddedChunk, Redacted, RedactedElement
from ingest.base import Parser
from core.audit import AuditLog
from ingest.auditing import LocatedSpan, ingest_events, locate_spans
from ingest.chunking import chunk_document
from ingest.registry import DocumentRegistry
from redaction.base import Redactor
from redaction.source_names import SourceName
from redaction.vault import PseudonymVault
from retrieval.base import Embedder, VectorStore

log = logging.getLogger(__name__)

Status = Literal["ingested", "unchanged", "failed"]


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
        out = {"files": len(self.files), "ingested": 0, "unchanged": 0, "failed": 0, "chunks": 0,
               "redactions": 0}
        for result in self.files:
            out[result.status] += 1
            out["chunks"] += result.chunks
            out["redactions"] += sum(result.redactions.values())
        return out


@dataclass(frozen=True)
class SourceFile:
    path: Path  # where to read it
    name: str   # what Veil stores and shows: the folder given and the path below it, or the file name


def iter_sources(paths: Iterable[Path]) -> Iterator[SourceFile]:
    """Expand folders recursively in a stable order; skip hidden files and folders.

    Names keep only what tells documents apart ("patients/2024/a.pdf" for a folder "/home/jo/patients"):
    nothing above the folder the admin named reaches the store (data minimisation).
    """
    for path in paths:
        if path.is_dir():
            root = path.resolve().name
            for file in sorted(path.rglob("*")):
                if file.is_file() and not _hidden(file, path):
                    yield SourceFile(file, PurePath(root, file.relative_to(path)).as_posix())
        else:
            yield SourceFile(path, path.name)


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


DEFAULT_GROUPS = ("everyone",)
_GROUP = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


def reader_groups(groups: Sequence[str]) -> tuple[str, ...]:
    """Validated, de-duplicated, sorted; an empty list means the default (`everyone`)."""
    cleaned = tuple(sorted({g.strip() for g in groups if g.strip()})) or DEFAULT_GROUPS
    bad = [g for g in cleaned if not _GROUP.match(g)]
    if bad:
        raise VeilError(f"invalid group name {bad[0]!r}: use letters, digits, '.', '_' and '-' (at most 64)")
    return cleaned


class IngestPipeline:
    def __init__(self, parser: Parser, redactor: Redactor, embedder: Embedder, store: VectorStore,
                 registry: DocumentRegistry, chunking: ChunkingSettings, max_file_bytes: int,
                 audit: AuditLog | None = None, vault: PseudonymVault | None = None) -> None:
        self._parser, self._redactor, self._embedder = parser, redactor, embedder
        self._store, self._registry, self._chunking = store, registry, chunking
        self._max_file_bytes = max_file_bytes
        self._audit, self._vault = audit, vault

    def ingest_paths(self, paths: Sequence[Path], collection: str,
                     on_result: Callable[[FileResult], None] | None = None) -> IngestReport:
        results = []
        for source in iter_sources(paths):
            result = self.ingest_file(source.path, collection, source.name)
            results.append(result)
            if on_result:
                on_result(result)
        return IngestReport(tuple(results))

    def ingest_file(self, path: Path, collection: str, name: str | None = None,
                    groups: Sequence[str] = DEFAULT_GROUPS) -> FileResult:
        """`name` is what is stored (redacted) and shown; the resolved path is the identity."""
        name = name or path.name
        try:
            data = self._read(path)
        except VeilError as exc:
            return FileResult(name, "failed", error=str(exc))
        return self.ingest_bytes(data, name=name, source_key=str(path.resolve()), collection=collection,
                                 groups=groups)

    def ingest_bytes(self, data: bytes, name: str, source_key: str, collection: str,
                     groups: Sequence[str] = DEFAULT_GROUPS) -> FileResult:
        """`groups`: who may read the document (a principal whose groups overlap these)."""
        try:
            readers = reader_groups(groups)
        except VeilError as exc:
            return FileResult(name, "failed", error=str(exc))
        doc_id = ids.document_id(collection, source_key)
        digest = ids.content_hash(data)
        if self._registry.is_current(doc_id, digest, readers):
            return FileResult(name, "unchanged", doc_id=doc_id)
        try:
            info = self._ingest(data, name, doc_id, digest, collection, readers)
        except Exception as exc:  # one broken file never stops the batch
            reason = self._safe_reason(exc)
            log.warning("ingest failed for %s (%s): %s", self._safe_name(name), doc_id, reason)
            return FileResult(name, "failed", error=reason, doc_id=doc_id)
        log.info("ingested %s: %d chunks, redactions %s", info.source, info.chunks, info.redactions)
        return FileResult(name, "ingested", chunks=info.chunks, doc_id=doc_id, redactions=info.redactions)

    def delete(self, collection: str, doc_id: str) -> int:
        removed = self._store.delete_document(collection, doc_id)
        self._registry.delete(doc_id)
        if self._vault:
            self._vault.forget(doc_id)
        if self._audit:
            self._audit.append("document.deleted", {"doc_id": doc_id, "collection": collection, "chunks": removed})
        return removed

    def _read(self, path: Path) -> bytes:
        if not path.exists():
            raise VeilError("file not found")
        size = path.stat().st_size
        if size > self._max_file_bytes:
            raise VeilError(f"file is {size / 1e6:.0f} MB, over the {self._max_file_bytes / 1e6:.0f} MB limit")
        try:
            return path.read_bytes()
        except OSError as exc:
            raise VeilError(f"cannot read file: {exc.strerror}") from None

    def _ingest(self, data: bytes, name: str, doc_id: str, digest: str, collection: str,
                groups: tuple[str, ...]) -> DocumentInfo:
        elements = self._parser.parse(data, Path(name).name)
        red_name, redacted = self._redact_document(name, [e.text for e in elements], doc_id)
        red_elements = [RedactedElement(r.text, e.page, e.category, r.spans) for e, r in zip(elements, redacted)]
        located = locate_spans(red_elements)
        chunks = self._chunks(red_elements, doc_id, located)
        info = DocumentInfo(doc_id, collection, red_name.text, digest, _now(), len(chunks),
                            _sum_counts([red_name, *redacted]), groups)
        vectors = self._embedder.embed_documents([c.text for c in chunks])
        self._registry.mark_pending(info)
        self._store.delete_document(collection, doc_id)  # a changed file replaces its old chunks
        self._store.upsert([EmbeddedChunk(c, info, v) for c, v in zip(chunks, vectors)])
        if self._audit:  # before mark_done: a crash here re-ingests, and the audit trail is complete
            self._audit.append_many(ingest_events(info, chunks, located, red_name.spans))
        self._registry.mark_done(info)
        return info

    def _redact_document(self, name: str, texts: list[str], doc_id: str) -> tuple[Redacted, list[Redacted]]:
        """The file name is redacted with its text: one placeholder numbering, one propagation pass.

        The name goes last, so the body's placeholders are numbered as if it were not there.
        """
        source = SourceName(name)
        redacted = self._redactor.redact([*texts, *source.texts()], scope=doc_id)
        return source.rebuild(redacted[len(texts):]), redacted[:len(texts)]

    def _chunks(self, elements: Sequence[RedactedElement], doc_id: str, located: list[LocatedSpan]) -> list[Chunk]:
        spans = chunk_document(elements, self._chunking.size, self._chunking.overlap)
        return [
            Chunk(ids.chunk_id(doc_id, i), doc_id, i, s.text, s.page, s.start, s.end,
                  _counts_in(located, s.start, s.end))
            for i, s in enumerate(spans)
        ]

    def _safe_name(self, name: str) -> str:
        """A failed file's name for the logs: redacted on its own, or withheld."""
        try:
            source = SourceName(name)
            return source.rebuild(self._redactor.redact(source.texts())).text
        except Exception:
            return "<file name withheld>"

    def _safe_reason(self, exc: Exception) -> str:
        """Our own errors are written to be safe; a library's message may quote the document."""
        if isinstance(exc, VeilError):
            return str(exc)
        message = f"{type(exc).__name__}: {str(exc)[:300]}"
        try:
            return self._redactor.redact([message])[0].text
        except Exception:
            return type(exc).__name__


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
