"""Query-side embedding shared by concurrent requests: one thread embeds what they all wait for.

Every question embeds itself and the sentences of its hits. Fifty requests doing that side by side on
two cores oversubscribe torch's threads, and one after another each pays a batch's fixed cost. A
`CoalescingEmbedder` hands every call to one worker thread, which embeds all that is pending as one
batch, each distinct text once, and keeps the vectors of recent texts: the passages users ask about
repeat, and a stored chunk's text (so each of its sentences' vectors) never changes.

For the query side only: ingest embeds whole chunks in batches of its own, which nothing repeats.
"""

from __future__ import annotations

import queue
import threading
from collections import OrderedDict
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from retrieval.base import Embedder
from retrieval.identity import EmbedderIdentity

Kind = Literal["query", "document"]
DEFAULT_CACHE_SIZE = 20_000  # vectors kept (384 floats each for MiniLM: about 30 MB)
MAX_BATCH = 512  # texts per call of the model; what is left waits for the next round


@dataclass
class _Request:
    kind: Kind
    texts: list[str]
    done: Future = field(default_factory=Future)


class VectorCache:
    """Least-recently-used vectors by (kind, text); thread-safe."""

    def __init__(self, size: int) -> None:
        self._size, self._vectors, self._lock = size, OrderedDict(), threading.Lock()

    def get(self, kind: Kind, text: str) -> np.ndarray | None:
        with self._lock:
            vector = self._vectors.get((kind, text))
            if vector is not None:
                self._vectors.move_to_end((kind, text))
            return vector

    def put(self, kind: Kind, text: str, vector: np.ndarray) -> None:
        if self._size <= 0:
            return
        with self._lock:
            self._vectors[(kind, text)] = vector
            self._vectors.move_to_end((kind, text))
            while len(self._vectors) > self._size:
                self._vectors.popitem(last=False)


class CoalescingEmbedder:
    """An `Embedder` whose calls, from any number of threads, are embedded by one worker thread."""

    def __init__(self, inner: Embedder, cache_size: int = DEFAULT_CACHE_SIZE, max_batch: int = MAX_BATCH) -> None:
        self._inner, self._max_batch = inner, max_batch
        self._cache = VectorCache(cache_size)
        self._pending: queue.SimpleQueue[_Request] = queue.SimpleQueue()
        self._worker: threading.Thread | None = None
        self._starting = threading.Lock()

    @property
    def model_id(self) -> str:
        return self._inner.model_id

    @property
    def dim(self) -> int:
        return self._inner.dim

    @property
    def identity(self) -> EmbedderIdentity:
        return self._inner.identity

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return self._inner.embed_documents([])
        return self._vectors("document", list(texts))

    def embed_query(self, text: str) -> np.ndarray:
        return self._vectors("query", [text])[0]

    def _vectors(self, kind: Kind, texts: list[str]) -> np.ndarray:
        cached = [self._cache.get(kind, t) for t in texts]
        if all(v is not None for v in cached):
            return np.stack(cached)
        request = _Request(kind, texts)
        self._start()
        self._pending.put(request)
        return request.done.result()

    def _start(self) -> None:
        with self._starting:
            if self._worker is None:
                self._worker = threading.Thread(target=self._serve, name="query-embedder", daemon=True)
                self._worker.start()

    def _serve(self) -> None:
        while True:
            batch = [self._pending.get()]
            while sum(len(r.texts) for r in batch) < self._max_batch:
                try:
                    batch.append(self._pending.get_nowait())
                except queue.Empty:
                    break
            for kind in ("query", "document"):
                self._embed([r for r in batch if r.kind == kind], kind)

    def _embed(self, requests: list[_Request], kind: Kind) -> None:
        """One model call for every text of `requests` not yet known; each request gets its vectors."""
        if not requests:
            return
        try:
            vectors = {}
            for text in dict.fromkeys(t for r in requests for t in r.texts):
                if (known := self._cache.get(kind, text)) is not None:
                    vectors[text] = known
            missing = list(dict.fromkeys(t for r in requests for t in r.texts if t not in vectors))
            for text, vector in zip(missing, self._compute(kind, missing)):
                vectors[text] = vector
                self._cache.put(kind, text, vector)
            for request in requests:
                request.done.set_result(np.stack([vectors[t] for t in request.texts]))
        except Exception as exc:  # every waiter learns of the failure; the worker goes on
            for request in requests:
                if not request.done.done():
                    request.done.set_exception(exc)

    def _compute(self, kind: Kind, texts: list[str]) -> list[np.ndarray]:
        if not texts:
            return []
        if kind == "query":  # an embedder may embed questions differently (a prefix, another head)
            return [self._inner.embed_query(t) for t in texts]
        return list(self._inner.embed_documents(texts))
