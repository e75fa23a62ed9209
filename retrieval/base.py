from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import ClassVar, Protocol

import numpy as np

from core.types import EmbeddedChunk, Hit, SearchQuery, StoredChunk
from retrieval.identity import EmbedderIdentity


class Embedder(Protocol):
    model_id: str
    dim: int
    identity: EmbedderIdentity  # what a collection records (`retrieval.identity`)

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray: ...
    def embed_query(self, text: str) -> np.ndarray: ...


@dataclass(frozen=True)
class StoreCapabilities:
    """What a vector store backend is, for the callers that must act differently: read from the store's class,
    so a caller may ask before opening it (`api.wiring.store_capabilities`)."""

    embedded: bool
    """In this process, on local disk, held by one process at a time (Qdrant Edge, an exclusive lock). The holder
    is the store's single writer: it repairs every interrupted write at start-up, writes what queue workers hand
    over, and every other process (the CLI, workers) reaches the store through it. False: a server that many
    processes read and write at once (Qdrant server): workers write to it themselves, and a writer repairs only the
    documents it writes, since another may be mid-write on the others."""


class VectorStore(Protocol):
    """Searches, counts and scrolls see published points only. A document is replaced by staging its
    new version's points and publishing that version, which drops the others in one step; a whole
    collection is re-embedded the same way, by a re-index run's `generation`."""

    capabilities: ClassVar[StoreCapabilities]

    def upsert(self, chunks: Sequence[EmbeddedChunk]) -> None: ...
    def stage(self, chunks: Sequence[EmbeddedChunk]) -> None: ...
    def publish(self, collection: str, doc_id: str, version: str) -> int: ...
    def discard(self, collection: str, doc_id: str, version: str) -> int: ...
    def publish_generation(self, collection: str, generation: str) -> int: ...
    def discard_generation(self, collection: str, generation: str) -> int: ...
    def staged_count(self, collection: str, doc_id: str, version: str) -> int: ...
    def search(self, query: SearchQuery) -> list[Hit]: ...
    def delete_document(self, collection: str, doc_id: str) -> int: ...
    def iter_chunks(self, collection: str, doc_id: str | None = None) -> Iterator[StoredChunk]: ...
    def count(self, collection: str) -> int: ...
    def collections(self) -> list[str]: ...
    def close(self) -> None: ...
