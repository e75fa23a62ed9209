"""Qdrant Edge adapter: the Qdrant engine in-process, one on-disk shard per collection.

An embedded store belongs to one process. Opening it takes an exclusive lock on the store folder;
a second process gets StoreBusyError at once instead of corrupting or waiting.

A new version of a document is written beside the old one as *staged* points, which no search, count
or scroll sees; `publish` then shows the new version and drops the old one under the store's lock, so
a search sees one version of a document, never both and never neither.

Search runs inside the engine: dense (cosine), BM25 (Qdrant's own model, IDF modifier) or hybrid
(both rankings fused: DBSF, each ranking's scores normalised by their spread and summed, by default;
RRF on request), always under the caller's group filter, so a chunk the caller may not read is never
even ranked.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

from core.errors import StoreBusyError
from core.types import EmbeddedChunk, Hit, Principal, SearchQuery, StoredChunk
from retrieval.lexical import lexical_text
from retrieval.qdrant_points import (COLLECTION, DENSE, FUSION_DEPTH, INDEXED_FIELDS, PUBLISHED, RRF_K, SPARSE, STAGED,
                                     by_collection, checked_collection, hit_from, payload_for, stored_chunk_from)

log = logging.getLogger(__name__)


class StoreLock:
    def __init__(self, root: Path) -> None:
        root.mkdir(parents=True, exist_ok=True)
        self._file = open(root / ".lock", "a+")
        try:
            fcntl.flock(self._file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._file.close()
            raise StoreBusyError(
                f"the vector store in {root} is open in another Veil process; "
                "stop it or send the work through its API"
            ) from None
        self._file.seek(0), self._file.truncate(), self._file.write(str(os.getpid())), self._file.flush()

    def release(self) -> None:
        fcntl.flock(self._file, fcntl.LOCK_UN)
        self._file.close()


class QdrantEdgeStore:
    def __init__(self, root: Path, fusion: str = "dbsf") -> None:
        import qdrant_edge as qe

        self._qe = qe
        self._fusion = qe.Fusion.Rrf(k=RRF_K) if fusion == "rrf" else qe.Fusion.Dbsf()
        self._root = root
        self._lock = StoreLock(root)
        self._shards: dict[str, object] = {}
        self._bm25 = qe.Bm25(qe.Bm25Config())
        self._publishing = threading.RLock()  # a search never runs in the middle of a publish

    def _shard(self, collection: str, dim: int | None = None):
        shard = self._shards.get(checked_collection(collection))
        if shard is None:
            shard = self._open(collection, dim)
            if shard is not None:
                self._shards[collection] = shard
        return shard

    def _open(self, collection: str, dim: int | None):
        qe, path = self._qe, self._root / collection
        if path.is_dir() and any(path.iterdir()):
            shard = qe.EdgeShard.load(str(path))
        elif dim is None:
            return None  # reading a collection that was never written
        else:
            config = qe.EdgeConfig(
                vectors={DENSE: qe.EdgeVectorParams(size=dim, distance=qe.Distance.Cosine)},
                sparse_vectors={SPARSE: qe.EdgeSparseVectorParams(modifier=qe.Modifier.Idf)},
            )
            shard = qe.EdgeShard.create(str(path), config)
            log.info("created collection %s (%d dims)", collection, dim)
        for name in INDEXED_FIELDS:  # idempotent; also indexes shards written before a field existed
            shard.update(qe.UpdateOperation.create_field_index(name, qe.PayloadSchemaType.Keyword))
        return shard

    def upsert(self, chunks: Sequence[EmbeddedChunk]) -> None:
        """Write chunks searchable at once (one document version's points as they are ready)."""
        self._write(chunks, staged=False)

    def stage(self, chunks: Sequence[EmbeddedChunk]) -> None:
        """Write chunks that no one sees until `publish` names their document version."""
        self._write(chunks, staged=True)

    def publish(self, collection: str, doc_id: str, version: str) -> int:
        """Show `version` of the document and drop every other version, in one step for searches.

        Idempotent: a crash during a publish is repaired by publishing again. Returns how many old
        points were dropped."""
        shard = self._shard(collection)
        if shard is None:
            return 0
        qe = self._qe
        this_version = self._document_filter(doc_id, must=[self._match("version", version)])
        older = self._document_filter(doc_id, must_not=[self._match("version", version)])
        with self._publishing:
            removed = shard.count(qe.CountRequest(filter=older, exact=True))
            shard.update(qe.UpdateOperation.set_payload_by_filter(this_version, {"state": PUBLISHED}))
            if removed:
                shard.update(qe.UpdateOperation.delete_points_by_filter(older))
            shard.flush()
        return removed

    def discard(self, collection: str, doc_id: str, version: str) -> int:
        """Drop the staged points of a version that was never published (an interrupted write)."""
        shard = self._shard(collection)
        if shard is None:
            return 0
        staged = self._document_filter(doc_id, must=[self._match("version", version), self._match("state", STAGED)])
        return self._delete(shard, staged)

    def _write(self, chunks: Sequence[EmbeddedChunk], staged: bool) -> None:
        for collection, items in by_collection(chunks).items():
            shard = self._shard(collection, dim=len(items[0].vector))
            points = [self._point(item, staged) for item in items]
            shard.update(self._qe.UpdateOperation.upsert_points(points))
            shard.flush()

    def _point(self, item: EmbeddedChunk, staged: bool = False):
        vectors = {DENSE: item.vector.tolist(), SPARSE: self._bm25.embed_document(lexical_text(item.chunk.text))}
        return self._qe.Point(item.chunk.chunk_id, vectors,
                              {**payload_for(item), "state": STAGED if staged else PUBLISHED})

    def _match(self, key: str, value):
        return self._qe.FieldCondition(key=key, match=self._qe.MatchValue(value))

    def _document_filter(self, doc_id: str, must=(), must_not=()):
        return self._qe.Filter(must=[self._match("doc_id", doc_id), *must], must_not=list(must_not) or None)

    def _visible(self, must=()):
        """Published points only, under the given conditions."""
        return self._qe.Filter(must=list(must) or None, must_not=[self._match("state", STAGED)])

    def _delete(self, shard, points_filter) -> int:
        qe = self._qe
        removed = shard.count(qe.CountRequest(filter=points_filter, exact=True))
        if removed:
            shard.update(qe.UpdateOperation.delete_points_by_filter(points_filter))
            shard.flush()
        return removed

    def search(self, query: SearchQuery) -> list[Hit]:
        shard = self._shard(query.collection)
        if shard is None or not (query.principal.is_admin or query.principal.groups):
            return []  # nothing written, or a caller in no group: they can see nothing, which is no error
        qe, acl = self._qe, self._acl_filter(query.principal)
        dense = qe.Query.Nearest(query.vector.tolist(), using=DENSE)
        sparse_vector = self._bm25.embed_query(lexical_text(query.text))
        sparse = qe.Query.Nearest(sparse_vector, using=SPARSE) if sparse_vector.indices else None
        mode = query.mode if sparse is not None else "dense"  # nothing to match lexically: meaning only
        if mode == "hybrid":
            depth = max(FUSION_DEPTH, query.top_k)
            request = qe.QueryRequest(
                prefetches=[qe.Prefetch(query=sparse, limit=depth, filter=acl),
                            qe.Prefetch(query=dense, limit=depth, filter=acl)],
                query=self._fusion, filter=acl, limit=query.top_k, with_payload=True)
        else:
            request = qe.QueryRequest(query=sparse if mode == "bm25" else dense, filter=acl,
                                      limit=query.top_k, with_payload=True)
        with self._publishing:
            return [hit_from(p) for p in shard.query(request)]

    def _acl_filter(self, principal: Principal):
        """Published chunks; admins see all of them, anyone else those whose groups overlap theirs."""
        if principal.is_admin:
            return self._visible()
        qe = self._qe
        return self._visible([qe.FieldCondition(key="groups", match=qe.MatchAny(any=sorted(principal.groups)))])

    def delete_document(self, collection: str, doc_id: str) -> int:
        """Every point of the document, staged or published."""
        shard = self._shard(collection)
        return 0 if shard is None else self._delete(shard, self._document_filter(doc_id))

    def iter_chunks(self, collection: str) -> Iterator[StoredChunk]:
        shard = self._shard(collection)
        offset = None
        while shard is not None:
            records, offset = shard.scroll(self._qe.ScrollRequest(offset=offset, limit=256, with_payload=True,
                                                                  filter=self._visible()))
            yield from map(stored_chunk_from, records)
            if offset is None:
                break

    def count(self, collection: str) -> int:
        shard = self._shard(collection)
        return 0 if shard is None else shard.count(self._qe.CountRequest(filter=self._visible(), exact=True))

    def collections(self) -> list[str]:
        return sorted(p.name for p in self._root.iterdir() if p.is_dir() and COLLECTION.match(p.name))

    def close(self) -> None:
        for shard in self._shards.values():
            shard.close()
        self._shards.clear()
        self._lock.release()
