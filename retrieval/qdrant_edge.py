"""Qdrant Edge adapter: the Qdrant engine in-process, one on-disk shard per collection.

An embedded store belongs to one process. Opening it takes an exclusive lock on the store folder;
a second process gets StoreBusyError at once instead of corrupting or waiting.

Staging, publishing and the group-filtered search live in `VersionedQdrantStore`; here they run on
the engine's shards. `publish` shows the new version and drops the old one under the store's lock, so
a search sees one version of a document, never both and never neither.

Search runs inside the engine: dense (cosine), BM25 (Qdrant's own model, IDF modifier) or hybrid
(both rankings fused: DBSF, each ranking's scores normalised by their spread and summed, by default;
RRF on request).
"""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
from pathlib import Path

from core.errors import StoreBusyError
from retrieval.base import StoreCapabilities
from retrieval.qdrant_points import COLLECTION, DENSE, INDEXED_FIELDS, PUBLISHED, RRF_K, SPARSE, checked_collection
from retrieval.qdrant_versioned import VersionedQdrantStore

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


def _creation_cut_short(path: Path) -> bool:
    """A collection folder that creation left without its config and without a single segment (the
    state a kill during `EdgeShard.create` left before creation became a rename): it holds no data."""
    segments = path / "segments"
    return (path.is_dir() and not (path / "edge_config.json").exists()
            and not (segments.is_dir() and any(segments.iterdir())))


class QdrantEdgeStore(VersionedQdrantStore):
    capabilities = StoreCapabilities(embedded=True)

    def __init__(self, root: Path, fusion: str = "zscore") -> None:
        import qdrant_edge as qe

        self._qe = qe
        self._fusion = qe.Fusion.Rrf(k=RRF_K) if fusion == "rrf" else qe.Fusion.Dbsf()  # when the engine fuses
        self._root = root
        self._lock = StoreLock(root)
        self._shards: dict[str, object] = {}
        super().__init__(fusion)

    def _shard(self, collection: str, dim: int | None = None):
        shard = self._shards.get(checked_collection(collection))
        if shard is None:
            shard = self._open(collection, dim)
            if shard is not None:
                self._shards[collection] = shard
        return shard

    def _open(self, collection: str, dim: int | None):
        qe, path = self._qe, self._root / collection
        if _creation_cut_short(path):  # killed while an earlier version created it: no data was ever there
            log.warning("collection %s was never fully created: creating it again", collection)
            shutil.rmtree(path)
        if path.is_dir() and any(path.iterdir()):
            shard = qe.EdgeShard.load(str(path))
        elif dim is None:
            return None  # reading a collection that was never written
        else:
            shard = self._create(collection, dim)
        for name in INDEXED_FIELDS:  # idempotent; also indexes shards written before a field existed
            shard.update(qe.UpdateOperation.create_field_index(name, qe.PayloadSchemaType.Keyword))
        return shard

    def _create(self, collection: str, dim: int):
        """Created beside its place and renamed into it: a kill mid-creation leaves no half-made
        collection that no one can open, only a hidden folder the next creation replaces."""
        qe, path = self._qe, self._root / collection
        building = self._root / f".{collection}.creating"
        if building.exists():
            shutil.rmtree(building)
        config = qe.EdgeConfig(
            vectors={DENSE: qe.EdgeVectorParams(size=dim, distance=qe.Distance.Cosine)},
            sparse_vectors={SPARSE: qe.EdgeSparseVectorParams(modifier=qe.Modifier.Idf)},
        )
        qe.EdgeShard.create(str(building), config).close()
        if path.exists():
            path.rmdir()  # an empty folder (the loader only reads a folder with something in it)
        os.rename(building, path)
        log.info("created collection %s (%d dims)", collection, dim)
        return qe.EdgeShard.load(str(path))

    def collections(self) -> list[str]:
        return sorted(p.name for p in self._root.iterdir() if p.is_dir() and COLLECTION.match(p.name))

    def close(self) -> None:
        for shard in self._shards.values():
            shard.close()
        self._shards.clear()
        self._lock.release()

    # --- VersionedQdrantStore's primitives: the handle is the collection's shard -----------------

    def _collection(self, collection: str, dim: int | None = None):
        return self._shard(collection, dim)

    def _point(self, point_id: str, dense: list[float], sparse, payload: dict):
        return self._qe.Point(point_id, {DENSE: dense, SPARSE: sparse}, payload)

    def _upsert(self, shard, points: list) -> None:
        shard.update(self._qe.UpdateOperation.upsert_points(points))
        shard.flush()

    def _count(self, shard, points_filter) -> int:
        return shard.count(self._qe.CountRequest(filter=points_filter, exact=True))

    def _delete(self, shard, points_filter) -> None:
        shard.update(self._qe.UpdateOperation.delete_points_by_filter(points_filter))
        shard.flush()

    def _publish(self, shard, show, drop) -> None:
        """Atomic for searches: they take the same lock (`_publishing`, held by `publish`)."""
        shard.update(self._qe.UpdateOperation.set_payload_by_filter(show, {"state": PUBLISHED}))
        if drop is not None:
            shard.update(self._qe.UpdateOperation.delete_points_by_filter(drop))
        shard.flush()

    def _scroll(self, shard, points_filter, offset, limit: int):
        return shard.scroll(self._qe.ScrollRequest(offset=offset, limit=limit, with_payload=True,
                                                   filter=points_filter))

    def _query(self, shard, mode: str, dense: list[float], sparse, acl, top_k: int, depth: int) -> list:
        qe = self._qe
        dense_query = qe.Query.Nearest(dense, using=DENSE)
        if mode == "hybrid":
            sparse_query = qe.Query.Nearest(sparse, using=SPARSE)
            request = qe.QueryRequest(
                prefetches=[qe.Prefetch(query=sparse_query, limit=depth, filter=acl),
                            qe.Prefetch(query=dense_query, limit=depth, filter=acl)],
                query=self._fusion, filter=acl, limit=top_k, with_payload=True)
        else:
            request = qe.QueryRequest(query=qe.Query.Nearest(sparse, using=SPARSE) if mode == "bm25" else dense_query,
                                      filter=acl, limit=top_k, with_payload=True)
        return shard.query(request)

    def _match(self, key: str, value):
        return self._qe.FieldCondition(key=key, match=self._qe.MatchValue(value))

    def _match_any(self, key: str, values: list):
        return self._qe.FieldCondition(key=key, match=self._qe.MatchAny(any=values))

    def _filter(self, must: list, must_not: list):
        return self._qe.Filter(must=must or None, must_not=must_not or None)
