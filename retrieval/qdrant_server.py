"""Qdrant server adapter (`store.kind = "qdrant"`): the same collections, payload, point ids and search
as the embedded store, through `qdrant-client` — a Qdrant server or cluster at `store.url`, or the
client's local mode in the contract suite.

What stays identical to `QdrantEdgeStore`, so a collection can move between them:
- the payload (`payload_for`), the deterministic point ids, the keyword indexes (`INDEXED_FIELDS`,
  created with the collection);
- the BM25 sparse vectors, computed here by Qdrant Edge's own BM25 model with the server's IDF
  modifier, and the hybrid query: both rankings prefetched under the ACL filter, fused by DBSF or RRF
  on the server;
- staging, publishing and the group-filtered search, which both inherit from `VersionedQdrantStore`.
  `publish` sends "show this version" and "drop the others" as one batch that the server applies in
  order; a search between the two operations of that batch may see both versions of one document for
  that moment (a server offers no multi-operation transaction). Searches from this process wait for a
  publish from this process to finish.
"""

from __future__ import annotations

import logging

from core.errors import ConfigError
from core.settings import url_shown
from retrieval.base import StoreCapabilities
from retrieval.qdrant_points import COLLECTION, DENSE, INDEXED_FIELDS, PUBLISHED, RRF_K, SPARSE, checked_collection
from retrieval.qdrant_versioned import VersionedQdrantStore

log = logging.getLogger(__name__)


class QdrantServerStore(VersionedQdrantStore):
    capabilities = StoreCapabilities(embedded=False)

    def __init__(self, client, fusion: str = "zscore") -> None:
        """`client`: a `qdrant_client.QdrantClient` (see `connect`)."""
        from qdrant_client import models

        self._client, self._m = client, models
        self._fusion = (models.RrfQuery(rrf=models.Rrf(k=RRF_K)) if fusion == "rrf"
                        else models.FusionQuery(fusion=models.Fusion.DBSF))  # when the engine fuses
        self._known: set[str] = set()
        super().__init__(fusion)

    @classmethod
    def connect(cls, url: str, api_key: str | None = None, fusion: str = "zscore",
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

    def collections(self) -> list[str]:
        return sorted(c.name for c in self._client.get_collections().collections if COLLECTION.match(c.name))

    def close(self) -> None:
        self._client.close()

    # --- VersionedQdrantStore's primitives: the handle is the collection's name ------------------

    def _collection(self, collection: str, dim: int | None = None):
        if dim is not None:
            self._ensure(collection, dim)
            return collection
        return collection if self._exists(collection) else None

    def _point(self, point_id: str, dense: list[float], sparse, payload: dict):
        return self._m.PointStruct(id=point_id, vector={DENSE: dense, SPARSE: self._sparse(sparse)}, payload=payload)

    def _sparse(self, vector):
        return self._m.SparseVector(indices=list(vector.indices), values=list(vector.values))

    def _upsert(self, collection: str, points: list) -> None:
        self._client.upsert(collection, points, wait=True)

    def _count(self, collection: str, points_filter) -> int:
        return self._client.count(collection, count_filter=points_filter, exact=True).count

    def _delete(self, collection: str, points_filter) -> None:
        self._client.delete(collection, points_selector=self._m.FilterSelector(filter=points_filter), wait=True)

    def _publish(self, collection: str, show, drop) -> None:
        """One batch the server applies in order (see the module's docstring)."""
        m = self._m
        operations = [m.SetPayloadOperation(set_payload=m.SetPayload(payload={"state": PUBLISHED}, filter=show))]
        if drop is not None:
            operations.append(m.DeleteOperation(delete=m.FilterSelector(filter=drop)))
        self._client.batch_update_points(collection, operations, wait=True)

    def _scroll(self, collection: str, points_filter, offset, limit: int):
        return self._client.scroll(collection, scroll_filter=points_filter, limit=limit, offset=offset,
                                   with_payload=True)

    def _query(self, collection: str, mode: str, dense: list[float], sparse, acl, top_k: int, depth: int) -> list:
        m, client = self._m, self._client
        if mode == "hybrid":
            result = client.query_points(
                collection, query=self._fusion, query_filter=acl, limit=top_k, with_payload=True,
                prefetch=[m.Prefetch(query=self._sparse(sparse), using=SPARSE, limit=depth, filter=acl),
                          m.Prefetch(query=dense, using=DENSE, limit=depth, filter=acl)])
        elif mode == "bm25":
            result = client.query_points(collection, query=self._sparse(sparse), using=SPARSE, query_filter=acl,
                                         limit=top_k, with_payload=True)
        else:
            result = client.query_points(collection, query=dense, using=DENSE, query_filter=acl, limit=top_k,
                                         with_payload=True)
        return result.points

    def _match(self, key: str, value):
        return self._m.FieldCondition(key=key, match=self._m.MatchValue(value=value))

    def _match_any(self, key: str, values: list):
        return self._m.FieldCondition(key=key, match=self._m.MatchAny(any=values))

    def _filter(self, must: list, must_not: list):
        return self._m.Filter(must=must or None, must_not=must_not or None)
