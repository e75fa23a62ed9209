"""Versioned documents over Qdrant, written once for both adapters (`qdrant_edge.py`, `qdrant_server.py`).

A new version of a document is written beside the old one as *staged* points, which no search, count or
scroll sees; `publish` shows the new version and drops every other one, `discard` drops a staged version
that was never published. Searches, counts and scrolls see published points only, and a search runs under
the caller's group filter, so a chunk the caller may not read is never even ranked.

A re-index (`ingest.reindex`) stages a whole collection again, each point tagged with the run's
`generation`; `publish_generation` then shows them all and drops every other point in one step, the way
`publish` does for one document, and `discard_generation` drops an abandoned run's points.

`VersionedQdrantStore` holds that logic over a few primitives each adapter implements with its own client
(the `# --- primitives` section): open a collection, upsert, count, delete by filter, publish by filter,
scroll, query, and build filters. Both clients' filter types share one shape, so the filters here are
built through `_match`, `_match_any` and `_filter` alone.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterator, Sequence

from core.types import EmbeddedChunk, Hit, Principal, SearchQuery, StoredChunk
from retrieval.base import StoreCapabilities
from retrieval.fusion import FUSIONS, NATIVE
from retrieval.lexical import lexical_text
from retrieval.qdrant_points import (DENSE, FUSION_DEPTH, PUBLISHED, SPARSE, STAGED, by_collection, hit_from,
                                     payload_for, stored_chunk_from)

SCROLL_PAGE = 256


class VersionedQdrantStore:
    """Stage, publish, discard, delete, the ACL-filtered search and the published-only reads (a VectorStore).

    A subclass sets `capabilities` and implements the primitives below, each over a *handle*: what
    `_collection` returned for a collection that exists (a shard, a collection name)."""

    capabilities: StoreCapabilities

    def __init__(self, fusion: str) -> None:
        """`fusion`: how a hybrid search joins its dense and BM25 rankings (`retrieval.fusion`); `rrf` and
        `dbsf` run in the engine, the others here on the two lists it returns."""
        import qdrant_edge as qe

        if fusion not in FUSIONS:
            raise ValueError(f"unknown fusion {fusion!r}: one of {', '.join(FUSIONS)}")
        self._fuse_here = None if fusion in NATIVE else FUSIONS[fusion]
        self._bm25 = qe.Bm25(qe.Bm25Config())  # both adapters: Qdrant Edge's BM25 model, the IDF modifier
        self._publishing = threading.RLock()  # a search from this process never runs in the middle of a publish

    # --- writing ---------------------------------------------------------------------------------

    def upsert(self, chunks: Sequence[EmbeddedChunk]) -> None:
        """Write chunks searchable at once (one document version's points as they are ready)."""
        self._write(chunks, staged=False)

    def stage(self, chunks: Sequence[EmbeddedChunk]) -> None:
        """Write chunks that no one sees until `publish` names their document version."""
        self._write(chunks, staged=True)

    def publish(self, collection: str, doc_id: str, version: str) -> int:
        """Show `version` of the document and drop every other version (see the adapter for how atomic).

        Idempotent: a crash during a publish is repaired by publishing again. Returns how many old
        points were dropped."""
        handle = self._collection(collection)
        if handle is None:
            return 0
        this_version = self._document_filter(doc_id, must=[self._match("version", version)])
        older = self._document_filter(doc_id, must_not=[self._match("version", version)])
        with self._publishing:
            removed = self._count(handle, older)
            self._publish(handle, this_version, older if removed else None)
        return removed

    def discard(self, collection: str, doc_id: str, version: str) -> int:
        """Drop the staged points of a version that was never published (an interrupted write)."""
        handle = self._collection(collection)
        if handle is None:
            return 0
        staged = self._document_filter(doc_id, must=[self._match("version", version), self._match("state", STAGED)])
        return self._delete_counted(handle, staged)

    def publish_generation(self, collection: str, generation: str) -> int:
        """Show every point staged by the re-index run `generation` and drop every other point of the
        collection (atomic as `publish` is). Idempotent. Returns how many points were dropped."""
        handle = self._collection(collection)
        if handle is None:
            return 0
        this_run = self._filter(must=[self._match("generation", generation)], must_not=[])
        others = self._filter(must=[], must_not=[self._match("generation", generation)])
        with self._publishing:
            removed = self._count(handle, others)
            self._publish(handle, this_run, others if removed else None)
        return removed

    def discard_generation(self, collection: str, generation: str) -> int:
        """Drop the staged points of a re-index run that will not be published."""
        handle = self._collection(collection)
        if handle is None:
            return 0
        return self._delete_counted(handle, self._filter(must=[self._match("generation", generation),
                                                               self._match("state", STAGED)], must_not=[]))

    def staged_count(self, collection: str, doc_id: str, version: str) -> int:
        """Staged points of this version of the document (a re-index run resuming skips complete ones)."""
        handle = self._collection(collection)
        staged = self._document_filter(doc_id, must=[self._match("version", version), self._match("state", STAGED)])
        return 0 if handle is None else self._count(handle, staged)

    def delete_document(self, collection: str, doc_id: str) -> int:
        """Every point of the document, staged or published."""
        handle = self._collection(collection)
        return 0 if handle is None else self._delete_counted(handle, self._document_filter(doc_id))

    def _write(self, chunks: Sequence[EmbeddedChunk], staged: bool) -> None:
        state = STAGED if staged else PUBLISHED
        for collection, items in by_collection(chunks).items():
            handle = self._collection(collection, dim=len(items[0].vector))
            self._upsert(handle, [self._point(item.chunk.chunk_id, item.vector.tolist(),
                                              self._bm25.embed_document(lexical_text(item.chunk.text)),
                                              {**payload_for(item), "state": state}) for item in items])

    def _delete_counted(self, handle, points_filter) -> int:
        removed = self._count(handle, points_filter)
        if removed:
            self._delete(handle, points_filter)
        return removed

    # --- reading ---------------------------------------------------------------------------------

    def search(self, query: SearchQuery) -> list[Hit]:
        handle = self._collection(query.collection)
        if handle is None or not (query.principal.is_admin or query.principal.groups):
            return []  # nothing written, or a caller in no group: they can see nothing, which is no error
        sparse = self._bm25.embed_query(lexical_text(query.text))
        mode = query.mode if sparse.indices else "dense"  # nothing to match lexically: meaning only
        acl, depth = self._acl_filter(query.principal), max(FUSION_DEPTH, query.top_k)
        with self._publishing:
            if mode == "hybrid" and self._fuse_here is not None:
                return self._fused(handle, query.vector.tolist(), sparse, acl, query.top_k, depth)
            points = self._query(handle, mode, query.vector.tolist(), sparse, acl, query.top_k, depth)
        return [hit_from(p) for p in points]

    def _fused(self, handle, dense: list[float], sparse, acl, top_k: int, depth: int) -> list[Hit]:
        """Each ranking's top `depth` under `acl`, fused here; a hit's score is its fused score."""
        lists = [self._query(handle, mode, dense, sparse, acl, depth, depth) for mode in ("dense", "bm25")]
        points = {str(p.id): p for ranking in lists for p in ranking}
        fused = self._fuse_here([[(str(p.id), float(p.score)) for p in ranking] for ranking in lists])
        return [dataclasses.replace(hit_from(points[key]), score=score) for key, score in fused[:top_k]]

    def iter_chunks(self, collection: str, doc_id: str | None = None) -> Iterator[StoredChunk]:
        """Published chunks: all of the collection's, or one document's."""
        handle = self._collection(collection)
        visible = self._visible([self._match("doc_id", doc_id)] if doc_id else [])
        offset = None
        while handle is not None:
            records, offset = self._scroll(handle, visible, offset, SCROLL_PAGE)
            yield from map(stored_chunk_from, records)
            if offset is None:
                break

    def count(self, collection: str) -> int:
        handle = self._collection(collection)
        return 0 if handle is None else self._count(handle, self._visible())

    # --- filters ---------------------------------------------------------------------------------

    def _document_filter(self, doc_id: str, must=(), must_not=()):
        return self._filter(must=[self._match("doc_id", doc_id), *must], must_not=list(must_not))

    def _visible(self, must=()):
        """Published points only, under the given conditions."""
        return self._filter(must=list(must), must_not=[self._match("state", STAGED)])

    def _acl_filter(self, principal: Principal):
        """Published chunks; admins see all of them, anyone else those whose groups overlap theirs."""
        if principal.is_admin:
            return self._visible()
        return self._visible([self._match_any("groups", sorted(principal.groups))])

    # --- primitives: each adapter implements these with its own client ----------------------------

    def _collection(self, collection: str, dim: int | None = None):
        """The handle of a valid collection name (`checked_collection`); with `dim`, created with `dim`-wide
        dense vectors if missing; without, None when it was never written."""
        raise NotImplementedError

    def _point(self, point_id: str, dense: list[float], sparse, payload: dict):
        """One point: `sparse` is what `qdrant_edge.Bm25` returns."""
        raise NotImplementedError

    def _upsert(self, handle, points: list) -> None:
        """Write the points, durable on return."""
        raise NotImplementedError

    def _count(self, handle, points_filter) -> int:
        """Exact count of the points that match."""
        raise NotImplementedError

    def _delete(self, handle, points_filter) -> None:
        """Delete the points that match, durable on return."""
        raise NotImplementedError

    def _publish(self, handle, show, drop) -> None:
        """Set `state` published on the points matching `show` and delete those matching `drop` (None: none),
        as close to one step as the backend allows; durable on return."""
        raise NotImplementedError

    def _scroll(self, handle, points_filter, offset, limit: int) -> tuple[list, object]:
        """One page of matching records with payload, and the offset of the next page (None: no more)."""
        raise NotImplementedError

    def _query(self, handle, mode: str, dense: list[float], sparse, acl, top_k: int, depth: int) -> list:
        """Scored points with payload under `acl`: `mode` dense, bm25 (`sparse` has indices), or hybrid (each
        ranking's top `depth` prefetched under `acl`, fused by the store's fusion)."""
        raise NotImplementedError

    def _match(self, key: str, value):
        """A condition: payload `key` equals `value`."""
        raise NotImplementedError

    def _match_any(self, key: str, values: list):
        """A condition: payload `key` holds any of `values`."""
        raise NotImplementedError

    def _filter(self, must: list, must_not: list):
        """All of `must` and none of `must_not` (either may be empty)."""
        raise NotImplementedError
