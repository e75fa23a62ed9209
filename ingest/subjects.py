"""Requests about one person (GDPR Art. 15 and 17 and the like): find what Veil holds about them, erase it.

The person is named by values (a name and its variants, an e-mail, a phone, an ID). Each value becomes its
keyed HMAC at once (`core.audit.ValueHasher`, the one the redaction events carry) and only the HMACs go
further: into the audit trail, never a value. A document mentions the person when a redaction of its
published version recorded one of those HMACs; that version's chunks holding such a redaction are listed.

`forget` removes those documents through the pipeline (`IngestPipeline.erase`: points, vault entries, a mark
that keeps every ingest path from writing them again, status `erased`) and records one `subject.forgotten`
event: who, when, the reason (redacted, and each looked-up value masked first), the HMACs, the documents
removed. `allow` lifts a document's mark, audited the same way.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from core.audit import AuditLog
from core.errors import NotFoundError, PermissionDeniedError, VeilError
from core.types import Principal
from ingest.registry import DocumentRegistry, ErasureMark, logged_id

MIN_REASON = 10  # as the vault asks of an auditor: a reason a person can later read
MAX_VALUES = 100
MAX_VALUE_CHARS = 1000
SUBJECT_MASK = "<SUBJECT>"


@dataclass(frozen=True)
class SubjectDocument:
    """A published document that mentions the person: where, and which of its chunks (ids), which entity types."""

    doc_id: str
    source: str  # the stored (redacted) name
    collection: str
    chunks: tuple[str, ...]
    labels: tuple[str, ...]


@dataclass(frozen=True)
class ForgottenDocument:
    doc_id: str
    source: str
    collection: str
    chunks: int  # points removed from the store


@dataclass(frozen=True)
class Erasure:
    request: str  # the id of the request in the audit trail and in the documents' marks
    documents: tuple[ForgottenDocument, ...]


@dataclass
class _Version:
    """What one ingest of a document recorded about the person."""

    chunks: set
    labels: set


class SubjectRequests:
    """`pipeline`: an `IngestPipeline` that holds the store (needed by `forget` only). `scrub`: redacts a
    free-text reason before it enters the audit trail (the reason may name the person)."""

    def __init__(self, audit: AuditLog, registry: DocumentRegistry, pipeline=None,
                 scrub: Callable[[str], str] | None = None) -> None:
        self._audit, self._registry, self._pipeline = audit, registry, pipeline
        self._scrub = scrub or (lambda text: "<reason withheld: no redactor configured>")

    def find(self, principal: Principal, values: Sequence[str]) -> list[SubjectDocument]:
        """Every published document and chunk whose redaction recorded one of the values. Audited (HMACs only)."""
        _require(principal, "admin", "auditor")
        digests = self._digests(values)
        found = self._documents(digests)
        self._audit.append("subject.find", {"principal": principal.name, "value_hmacs": sorted(digests),
                                            "documents": len(found)})
        return found

    def forget(self, principal: Principal, values: Sequence[str], reason: str) -> Erasure:
        """Remove every published document that mentions the person and mark it erased; one audit event."""
        _require(principal, "admin")
        if self._pipeline is None:
            raise VeilError("erasing needs the vector store: run it where the store is held")
        digests = self._digests(values)
        shown_reason = self._reason(reason, values)
        request = str(uuid.uuid4())
        removed = []
        for document in self._documents(digests):
            info = self._pipeline.erase(document.doc_id, request)
            if info is not None:
                removed.append(ForgottenDocument(info.doc_id, info.source, info.collection, info.chunks))
        self._audit.append("subject.forgotten", {
            "request": request, "principal": principal.name, "reason": shown_reason, "value_hmacs": sorted(digests),
            "documents": [{"doc_id": d.doc_id, "collection": d.collection, "source": d.source, "chunks": d.chunks}
                          for d in removed]})
        return Erasure(request, tuple(removed))

    def allow(self, principal: Principal, doc_id: str, reason: str) -> ErasureMark:
        """Lift a document's erasure mark: the next ingest of its file writes it again. Audited."""
        _require(principal, "admin")
        shown_reason = self._reason(reason, ())
        mark = self._registry.lift_erasure(doc_id)
        if mark is None:
            raise NotFoundError(f"document {logged_id(doc_id)} is not marked erased")
        self._audit.append("subject.allowed", {"principal": principal.name, "doc_id": mark.doc_id,
                                               "collection": mark.collection, "request": mark.request,
                                               "reason": shown_reason})
        return mark

    def erasures(self) -> list[ErasureMark]:
        return self._registry.erasures()

    # -- matching ----------------------------------------------------------------------------------

    def _digests(self, values: Sequence[str]) -> set[str]:
        cleaned = [v for v in (value.strip() for value in values) if v]
        if not cleaned:
            raise VeilError("name the person: at least one value (a name, an e-mail, a phone, an ID)")
        if len(cleaned) > MAX_VALUES or any(len(v) > MAX_VALUE_CHARS for v in cleaned):
            raise VeilError(f"at most {MAX_VALUES} values of at most {MAX_VALUE_CHARS} characters each")
        return {self._audit.hash_value(v) for v in cleaned}

    def _documents(self, digests: set[str]) -> list[SubjectDocument]:
        """The published version of each document, matched through the redaction events of its ingest."""
        versions = _versions(self._audit.events(), digests)
        found = []
        for info in self._registry.list():
            version = versions.get((info.doc_id, info.content_hash))
            if version is not None:
                found.append(SubjectDocument(info.doc_id, info.source, info.collection,
                                             tuple(sorted(version.chunks)), tuple(sorted(version.labels))))
        return found

    def _reason(self, reason: str, values: Iterable[str]) -> str:
        """The reason as the audit trail keeps it: each looked-up value masked, then the whole redacted."""
        reason = (reason or "").strip()
        if len(reason) < MIN_REASON:
            raise VeilError(f"state a reason (at least {MIN_REASON} characters)")
        for value in sorted((v.strip() for v in values if v.strip()), key=len, reverse=True):
            reason = re.sub(r"\s+".join(map(re.escape, value.split())), SUBJECT_MASK, reason, flags=re.IGNORECASE)
        return self._scrub(reason)


def _versions(events, digests: set[str]) -> dict[tuple[str, str], _Version]:
    """(doc_id, content hash) -> what that ingest's redactions recorded about the person. An ingest writes its
    `document.ingested` event and then its redactions (one atomic append), so each redaction belongs to the
    last `document.ingested` of its document; the latest ingest of a content wins."""
    current: dict[str, tuple[str, _Version]] = {}
    matched: dict[tuple[str, str], _Version] = {}
    for event in events:
        payload = event.payload
        if event.kind == "document.ingested":
            key = (payload["doc_id"], payload["content_hash"])
            current[payload["doc_id"]] = (key[1], _Version(set(), set()))
            matched.pop(key, None)
        elif event.kind == "redaction" and payload.get("value_hmac") in digests:
            content_hash, version = current.get(payload["doc_id"], (None, None))
            if version is None:
                continue
            version.labels.add(payload["entity_type"])
            if payload.get("chunk_id"):
                version.chunks.add(payload["chunk_id"])
            matched[(payload["doc_id"], content_hash)] = version
    return matched


def _require(principal: Principal, *roles: str) -> None:
    if not principal.roles & set(roles):
        raise PermissionDeniedError(f"this needs the role {' or '.join(sorted(roles))}")

