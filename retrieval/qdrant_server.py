"""Qdrant server adapter (`store.kind = "qdrant"`): the same collections, payload, point ids and search
as the embedded store, through `qdrant-client` — a Qdrant server or cluster at `store.url`, or the
client's local mode in the contract suite.

What stays identical to `QdrantEdgeStore`, so a collection can move between them:
- the payload (`payload_for`), the deterministic point ids, the keyword indexes (`INDEXED_FIELDS`,
  created with the collection);
- the BM25 sparse vectors, computed here by Qdrant Edge's own BM25 model with the server's IDF
  modifier, and the hybrid query: both rankings prefetched under the ACL filter, fused by DBSF or RRF
  on the server;
- staging and publishing. `publish` sends "show this version" and "drop the others" as one batch
  that the server applies in order; a search between the two operations of that batch may see both
  versions of one document for that moment (a server offers no multi-operation transaction). Searches
  from this process wait for a publish from this process to finish.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Sequence

from core.errors import ConfigError
from core.settings import url_shown
from core.types import EmbeddedChunk, Hit, Principal, SearchQuery, StoredChunk
from retrieval.lexical import lexical_text
from retrieval.qdrant_points import (COLLECTION, DENSE, FUSION_DEPTH, INDEXED_FIELDS, PUBLISHED, RRF_K, SPARSE, STAGED,
                                     by_collection, checked_collection, hit_from, payload_for, stored_chunk_from)

log = logging.getLogger(__name__)


class QdrantServerStore:
    def __init__(self, client, fusion: str = "dbsf") -> None:
        """`client`: a `qdrant_client.QdrantClient` (see `connect`)."""
        import qdrant_edge as qe
        from qdrant_client import models

        self._client, self._m = client, models
        self._fusion = (models.RrfQuery(rrf=models.Rrf(k=RRF_K)) if fusion == "rrf"
                        else models.FusionQuery(fusion=models.Fusion.DBSF))
        self._bm25 = qe.Bm25(qe.Bm25Config())
        self._known: set[str] = set()
        self._publishing = threading.RLock()

    @classmethod
    def connect(cls, url: str, api_key: str | None = None, fusion: str = "dbsf",
                timeout_s: float = 60.0) -> QdrantServerStore:
        """A server at `url`, checked now: an unreachable server stops Veil at start-up, naming the URL.
        `timeout_s` covers each call, a large upsert waiting for the server included."""
        from qdrant_client import QdrantClient

        client = QdrantClient(url=url, api_key=api_key, timeout=int(timeout_s), prefer_grpc=False)
        try:
            client.get_collections()
        except Exception as exc:
            client.close()
            raise ConfigError(f"store.url {url_shown(url)}: the Qdrant server cannot be reached "
                              f"({type(exc).__name__})") from None
        return cls(client, fusion)

    # --- collections -----------------------------------------------------------------------------

    def _exists(self, collection: str) -> bool:
        if checked_collection(collection) not in self._known and self._client.collection_exists(collection):
            self._known.add(collection)
        return collection in self._known

    def _ensure(self, collection: str, dim: int) -> None:
        if self._exists(collection):
            return
        from qdrant_client.http.exceptions import UnexpectedResponse

        m = self._m
        try:
            self._client.create_collection(
                collection, vectors_config={DENSE: m.VectorParams(size=dim, distance=m.Distance.COSINE)},
                sparse_vectors_config={SPARSE: m.SparseVectorParams(modifier=m.Modifier.IDF)})
        except UnexpectedResponse as exc:
            if exc.status_code != 409:  # 409: another process created it first, which is as good
                raise
        for name in INDEXED_FIELDS:  # idempotent
            self._client.create_payload_index(collection, name, field_schema=m.PayloadSchemaType.KEYWORD)
        self._known.add(collection)
        log.info("created collection %s (%d dims)", collection, dim)

    # --- writing ---------------------------------------------------------------------------------

    def upsert(self, chunks: Sequence[EmbeddedChunk]) -> None:
        self._write(chunks, staged=False)

    def stage(self, chunks: Sequence[EmbeddedChunk]) -> None:
        self._write(chunks, staged=True)

    def publish(self, collection: str, doc_id: str, version: str) -> int:
        if not self._exists(collection):
            return 0
        m = self._m
        this_version = self._document_filter(doc_id, must=[self._match("version", version)])
        older = self._document_filter(doc_id, must_not=[self._match("version", version)])
        with self._publishing:
            removed = self._count(collection, older)
            operations = [m.SetPayloadOperation(set_payload=m.SetPayload(payload={"state": PUBLISHED},
                                                                         filter=this_version))]
            if removed:
                operations.append(m.DeleteOperation(delete=m.FilterSelector(filter=older)))
            self._client.batch_update_points(collection, operations, wait=True)
        return removed

    def discard(self, collection: str, doc_id: str, version: str) -> int:
        if not self._exists(collection):
            return 0
        staged = self._document_filter(doc_id, must=[self._match("version", version), self._match("state", STAGED)])
        return self._delete(collection, staged)

    def delete_document(self, collection: str, doc_id: str) -> int:
        return self._delete(collection, self._document_filter(doc_id)) if self._exists(collection) else 0

    def _write(self, chunks: Sequence[EmbeddedChunk], staged: bool) -> None:
        for collection, items in by_collection(chunks).items():
            self._ensure(collection, len(items[0].vector))
            self._client.upsert(collection, [self._point(item, staged) for item in items], wait=True)

    def _point(self, item: EmbeddedChunk, staged: bool):
        m = self._m
        sparse = self._sparse(self._bm25.embed_document(lexical_text(item.chunk.text)))
        vectors = {DENSE: item.vector.tolist(), SPARSE: sparse}
        return m.PointStruct(id=item.chunk.chunk_id, vector=vectors,
                             payload={**payload_for(item), "state": STAGED if staged else PUBLISHED})

    def _sparse(self, vector):
        return self._m.SparseVector(indices=list(vector.indices), values=list(vector.values))

    def _delete(self, collection: str, points_filter) -> int:
        removed = self._count(collection, points_filter)
        if removed:
            self._client.delete(collection, points_selector=self._m.FilterSelector(filter=points_filter), wait=True)
        return removed

    # --- reading ---------------------------------------------------------------------------------

    def search(self, query: SearchQuery) -> list[Hit]:
        if not self._exists(query.collection) or not (query.principal.is_admin or query.principal.groups):
            return []
        m, acl = self._m, self._acl_filter(query.principal)
        sparse_vector = self._bm25.embed_query(lexical_text(query.text))
        dense = query.vector.tolist()
        mode = query.mode if sparse_vector.indices else "dense"
        with self._publishing:
            if mode == "hybrid":
                depth = max(FUSION_DEPTH, query.top_k)
                result = self._client.query_points(
                    query.collection, query=self._fusion, query_filter=acl, limit=query.top_k, with_payload=True,
                    prefetch=[m.Prefetch(query=self._sparse(sparse_vector), using=SPARSE, limit=depth, filter=acl),
                              m.Prefetch(query=dense, using=DENSE, limit=depth, filter=acl)])
            elif mode == "bm25":
                result = self._client.query_points(query.collection, query=self._sparse(sparse_vector), using=SPARSE,
                                                   query_filter=acl, limit=query.top_k, with_payload=True)
            else:
                result = self._client.query_points(query.collection, query=dense, using=DENSE, query_filter=acl,
                                                   limit=query.top_k, with_payload=True)
        return [hit_from(p) for p in result.points]

    def iter_chunks(self, collection: str) -> Iterator[StoredChunk]:
        offset = None
        while self._exists(collection):
            records, offset = self._client.scroll(collection, scroll_filter=self._visible(), limit=256,
                                                  offset=offset, with_payload=True)
            yield from map(stored_chunk_from, records)
            if offset is None:
                break

    def count(self, collection: str) -> int:
        return self._count(collection, self._visible()) if self._exists(collection) else 0

    def collections(self) -> list[str]:
        return sorted(c.name for c in self._client.get_collections().collections if COLLECTION.match(c.name))

    def close(self) -> None:
        self._client.close()

    # --- filters ---------------------------------------------------------------------------------

    def _count(self, collection: str, points_filter) -> int:
        return self._client.count(collection, count_filter=points_filter, exact=True).count

    def _match(self, key: str, value):
        return self._m.FieldCondition(key=key, match=self._m.MatchValue(value=value))

    def _document_filter(self, doc_id: str, must=(), must_not=()):
        return self._m.Filter(must=[self._match("doc_id", doc_id), *must], must_not=list(must_not) or None)

    def _visible(self, must=()):
        return self._m.Filter(must=list(must) or None, must_not=[self._match("state", STAGED)])

    def _acl_filter(self, principal: Principal):
        if principal.is_admin:
            return self._visible()
        m = self._m
        return self._visible([m.FieldCondition(key="groups", match=m.MatchAny(any=sorted(principal.groups)))])
