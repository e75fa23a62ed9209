"""Re-embed a collection from its stored chunks (`veil reindex`): no source file, no raw text.

What the store holds is already redacted, so a collection can move to another embedder from the store
alone. A run is a *generation* (a token recorded in `collection_embedders`, `ingest.collections`):

1. `staging`: each published document's chunks are read back, embedded again and staged beside the live
   points, under the document's write lock, as version `VERSION.TOKEN` with payload `generation`. No
   search sees them; searches keep using the live version and its recorded embedder all along.
2. `publishing`: `publish_generation` shows the run's points and drops every other point in one step,
   then the collection's recorded embedder becomes the target. A crash between the two is finished
   by the next start of the store's owner or the next run; until then queries and writes of the
   collection are refused rather than mixed.

A crash while staging leaves the old version live and the staged points invisible. Running the command
again resumes: a document whose staged points are all there is skipped, the others are embedded again.
While a run holds its lock, writes into the collection are refused (`CollectionEmbedders.check_write`);
a write that had begun before finishes first (the run waits for the document's lock, and a document
whose published version changed under it is read again).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field

from core import ids
from core.errors import VeilError
from core.types import Chunk, DocumentInfo, EmbeddedChunk, StoredChunk
from ingest.collections import CollectionEmbedders, ReindexPlan
from ingest.names import collection_name
from ingest.pipeline import IngestPipeline
from retrieval.base import Embedder, VectorStore

log = logging.getLogger(__name__)

BATCH_CHUNKS = 256  # chunks of several documents embedded together
LOCK_TRIES = 30  # 3 s: longer than any write holds the run's lock to check it


@dataclass
class ReindexProgress:
    collection: str
    documents: int  # to do in this run
    done: int = 0
    chunks: int = 0
    skipped: int = 0  # staged completely by an earlier, interrupted run
    started: float = field(default_factory=time.monotonic)


@dataclass(frozen=True)
class ReindexReport:
    collection: str
    embedded_with: str  # the recorded embedder before the run, described
    embedder: str  # the one the collection records now
    documents: int
    chunks: int
    resumed: int  # documents an interrupted run had already staged
    dropped: int  # old points removed when the new ones were published
    seconds: float

    def as_dict(self) -> dict:
        return dict(self.__dict__)


class Reindexer:
    def __init__(self, pipeline: IngestPipeline, store: VectorStore, embedder: Embedder,
                 store_lock: AbstractContextManager | None = None,
                 on_progress: Callable[[ReindexProgress], None] | None = None) -> None:
        """`embedder`: the target. `store_lock`: held around each store call (the embedded store
        serves one call at a time; `veil serve` queries it meanwhile)."""
        self._pipeline, self._store, self._embedder = pipeline, store, embedder
        self._registry = pipeline.registry
        self._embedders: CollectionEmbedders = pipeline.embedders
        self._records = self._embedders.records
        self._lock = store_lock or nullcontext()
        self._on_progress = on_progress or (lambda progress: None)

    def run(self, collection: str) -> ReindexReport:
        collection = collection_name(collection)
        started = time.monotonic()
        with self._running(collection):
            with self._lock:
                known = self._store.count(collection) > 0 or collection in self._store.collections()
            if not known and not self._registry.list(collection):
                raise VeilError(f"no collection named {collection}")
            before = self._embedders.recorded(collection) or self._embedder.identity
            if before.dim != self._embedder.identity.dim:  # a collection's vectors have one width
                raise VeilError(f"collection {collection} holds {before.dim}-dimension vectors and "
                                f"{self._embedder.identity.describe()} makes {self._embedder.identity.dim}: "
                                "a re-index keeps the width; ingest the sources into a new collection instead")
            plan = self._plan(collection, before)
            progress = self._stage(collection, plan)
            dropped = self._publish(collection, plan)
        log.info("re-indexed %s: %d documents, %d chunks, now %s", collection, progress.done, progress.chunks,
                 plan.target.describe())
        return ReindexReport(collection, before.describe(), plan.target.describe(), progress.done,
                             progress.chunks, progress.skipped, dropped, round(time.monotonic() - started, 3))

    @contextmanager
    def _running(self, collection: str) -> Iterator[None]:
        """The run's lock; a write checking it holds it for an instant, so a busy lock is asked again."""
        for _ in range(LOCK_TRIES):
            with self._records.running(collection) as free:
                if free:
                    yield
                    return
            time.sleep(0.1)
        raise VeilError(f"collection {collection} is being re-indexed by another process")

    # -- the steps ----------------------------------------------------------------------------------

    def _plan(self, collection: str, current) -> ReindexPlan:
        """This run's generation: an interrupted run's, when it had the same target."""
        target = self._embedder.identity
        plan = self._records.plan(collection)
        if plan is not None and plan.step == "publishing":
            self._publish(collection, plan)  # an interrupted switch is finished first
            current, plan = plan.target, None
        if plan is not None and plan.target != target:
            with self._lock:
                self._store.discard_generation(collection, plan.token)
            self._records.drop_reindex(collection)
            plan = None
        if plan is not None:
            log.info("resuming the re-index of %s (generation %s)", collection, plan.token)
            return plan
        return self._records.begin_reindex(collection, current, target)

    def _stage(self, collection: str, plan: ReindexPlan) -> ReindexProgress:
        pending = [info.doc_id for info in self._registry.list(collection)]
        progress = ReindexProgress(collection, len(pending))
        self._on_progress(progress)
        while pending:
            batch, pending = self._next_batch(collection, plan, pending, progress)
            self._stage_batch(collection, plan, batch, pending, progress)
        return progress

    def _next_batch(self, collection: str, plan: ReindexPlan, pending: list[str], progress: ReindexProgress):
        """Documents whose chunks fill one embedding batch, read back from the store."""
        batch: list[tuple[DocumentInfo, list[StoredChunk]]] = []
        size = 0
        while pending and size < BATCH_CHUNKS:
            doc_id, pending = pending[0], pending[1:]
            info = self._registry.get(doc_id)
            if info is None:  # deleted meanwhile
                progress.documents -= 1
                continue
            version = ids.generation_version(info.version, plan.token)
            with self._lock:
                chunks = sorted(self._store.iter_chunks(collection, doc_id), key=lambda c: c.payload["chunk_index"])
                staged = self._store.staged_count(collection, doc_id, version)
            if chunks and staged == len(chunks):
                progress.done, progress.skipped = progress.done + 1, progress.skipped + 1
                self._on_progress(progress)
                continue
            batch.append((info, chunks))
            size += len(chunks)
        return batch, pending

    def _stage_batch(self, collection: str, plan: ReindexPlan, batch, pending: list[str],
                     progress: ReindexProgress) -> None:
        texts = [c.text for _, chunks in batch for c in chunks]
        vectors = self._embedder.embed_documents(texts) if texts else []
        start = 0
        for info, chunks in batch:
            doc_vectors, start = vectors[start:start + len(chunks)], start + len(chunks)
            with self._registry.writing(info.doc_id):
                with self._lock:
                    self._pipeline.repair(info.doc_id)
                if self._registry.get(info.doc_id) != info:  # written again before this run began: read again
                    pending.append(info.doc_id)
                    continue
                version = ids.generation_version(info.version, plan.token)
                with self._lock:
                    self._store.discard(collection, info.doc_id, version)  # a part staged by an interrupted run
                    self._store.stage([EmbeddedChunk(_chunk(c, info, version), info, v, plan.token)
                                       for c, v in zip(chunks, doc_vectors)])
            progress.done += 1
            progress.chunks += len(chunks)
            self._on_progress(progress)

    def _publish(self, collection: str, plan: ReindexPlan) -> int:
        """Show the run's points, drop the others, record the target: finished by a rerun if interrupted."""
        self._records.advance_reindex(collection, "publishing")
        with self._lock:
            dropped = self._store.publish_generation(collection, plan.token)
            self._records.finish_reindex(collection, plan.target)
        return dropped


def finish_interrupted(pipeline: IngestPipeline, store: VectorStore) -> list[str]:
    """At the start of the store's owner: finish the re-index runs a crash stopped while publishing
    (idempotent); runs stopped while staging wait, invisible, for `veil reindex` to resume them."""
    records = pipeline.embedders.records
    finished = []
    for collection, plan in records.plans().items():
        if plan.step == "publishing":
            store.publish_generation(collection, plan.token)
            records.finish_reindex(collection, plan.target)
            log.info("finished the interrupted re-index of %s: now %s", collection, plan.target.describe())
            finished.append(collection)
    return finished


def _chunk(stored: StoredChunk, info: DocumentInfo, version: str) -> Chunk:
    """A stored chunk as the pipeline wrote it, under the new version's point id."""
    p = stored.payload
    index = int(p["chunk_index"])
    return Chunk(ids.chunk_id(info.doc_id, index, version), info.doc_id, index, stored.text, p.get("page"),
                 p.get("start", 0), p.get("end", 0), dict(p.get("redactions") or {}), tuple(p.get("common_words", ())))
