"""What both Qdrant adapters share, so a collection reads the same in either: vector names, payload
layout, point states, the payload indexes, fusion constants and how records become Hits."""

from __future__ import annotations

import re
from collections.abc import Sequence

from core.errors import VeilError
from core.types import EmbeddedChunk, Hit, StoredChunk

DENSE, SPARSE = "dense", "bm25"
COLLECTION = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
INDEXED_FIELDS = ("doc_id", "collection", "groups", "version", "state", "generation")  # deletes, ACL, publishing
STAGED, PUBLISHED = "staged", "published"  # `state` of a point (points written before it existed: published)
FUSION_DEPTH = 100  # each ranking contributes its top max(this, top_k) to the fusion
RRF_K = 60  # the usual constant of reciprocal rank fusion


def payload_for(item: EmbeddedChunk) -> dict:
    chunk, doc = item.chunk, item.document
    return {
        "doc_id": doc.doc_id, "collection": doc.collection, "source": doc.source, "page": chunk.page,
        "chunk_index": chunk.index, "start": chunk.start, "end": chunk.end,
        "content_hash": doc.content_hash, "ingested_at": doc.ingested_at, "groups": list(doc.groups),
        "redactions": chunk.redactions, "text": chunk.text, "common_words": list(chunk.common_words),
        "version": item.version, "state": PUBLISHED, "policy": doc.policy,
        **({"generation": item.generation} if item.generation else {}),
    }


def stored_chunk_from(record) -> StoredChunk:
    payload = dict(record.payload or {})
    return StoredChunk(str(record.id), payload.pop("text", ""), payload)


def hit_from(point) -> Hit:
    p = point.payload or {}
    return Hit(str(point.id), p["doc_id"], p["source"], p.get("page"), p["text"], float(point.score),
               p.get("start"), p.get("end"), tuple(p.get("common_words", ())))


def checked_collection(collection: str) -> str:
    if not COLLECTION.match(collection):
        raise VeilError(f"invalid collection name {collection!r}: use letters, digits, _ and -")
    return collection


def by_collection(chunks: Sequence[EmbeddedChunk]) -> dict[str, list[EmbeddedChunk]]:
    grouped: dict[str, list[EmbeddedChunk]] = {}
    for item in chunks:
        grouped.setdefault(item.document.collection, []).append(item)
    return grouped
