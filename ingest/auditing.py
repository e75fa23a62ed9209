"""Audit events of an ingest: one per document, one per redaction (never the value, only its HMAC), each
with the label of the redaction policy the document was redacted under (`redaction.policies`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from core.types import Chunk, DocumentInfo, RedactedElement, Span
from ingest.chunking import ELEMENT_SEPARATOR


@dataclass(frozen=True)
class LocatedSpan:
    offset: int  # where the replacement starts in the document's redacted text
    span: Span


def locate_spans(elements: Sequence[RedactedElement]) -> list[LocatedSpan]:
    located, offset = [], 0
    for element in elements:
        located.extend(LocatedSpan(offset + s.start, s) for s in element.spans)
        offset += len(element.text) + len(ELEMENT_SEPARATOR)
    return located


def _chunk_of(chunks: Sequence[Chunk], offset: int) -> Chunk | None:
    return next((c for c in chunks if c.start <= offset < c.end), None)


def _span_payload(info: DocumentInfo, span: Span, start: int, **where) -> dict:
    """One redaction event: where it stands (offsets in the redacted text) and what it was, as an HMAC."""
    return {
        "doc_id": info.doc_id, "collection": info.collection, "policy": info.policy, **where,
        "entity_type": span.entity_type, "start": start, "end": start + (span.end - span.start),
        "detector": span.detector, "score": span.score, "operator": span.operator,
        "value_hmac": span.value_hmac,
    }


def redaction_payload(info: DocumentInfo, chunks: Sequence[Chunk], item: LocatedSpan) -> dict:
    chunk = _chunk_of(chunks, item.offset)
    start = item.offset - chunk.start if chunk else item.offset
    return _span_payload(info, item.span, start, chunk_id=chunk.chunk_id if chunk else None)


def source_name_payload(info: DocumentInfo, span: Span) -> dict:
    """A redaction in the document's file name: offsets are in the stored (redacted) name."""
    return _span_payload(info, span, span.start, chunk_id=None, field="source")


def ingest_events(info: DocumentInfo, chunks: Sequence[Chunk], located: Sequence[LocatedSpan],
                  name_spans: Sequence[Span] = ()) -> list[tuple[str, dict]]:
    document = {"doc_id": info.doc_id, "collection": info.collection, "policy": info.policy, "source": info.source,
                "content_hash": info.content_hash, "chunks": info.chunks, "redactions": info.redactions}
    return [("document.ingested", document),
            *(("redaction", source_name_payload(info, s)) for s in name_spans),
            *(("redaction", redaction_payload(info, chunks, s)) for s in located)]
