from __future__ import annotations

import numpy as np
import pytest

from core.errors import StoreBusyError, VeilError
from core.types import Chunk, DocumentInfo, EmbeddedChunk, SearchQuery
from retrieval.qdrant_edge import QdrantEdgeStore


def item(doc_id: str, index: int, vector, collection="default") -> EmbeddedChunk:
    info = DocumentInfo(doc_id, collection, f"/docs/{doc_id}.txt", "hash", "2026-01-01T00:00:00+00:00", 1)
    chunk = Chunk(f"00000000-0000-0000-0000-{index:012d}", doc_id, index, f"text {index}", 1, 0, 6)
    return EmbeddedChunk(chunk, info, np.asarray(vector, dtype=np.float32))


@pytest.fixture
def store(tmp_path):
    s = QdrantEdgeStore(tmp_path / "qdrant")
    yield s
    s.close()


def test_search_orders_by_cosine_and_returns_payload(store):
    store.upsert([item("a", 1, [1, 0, 0]), item("a", 2, [0, 1, 0]), item("b", 3, [0.9, 0.1, 0])])
    hits = store.search(SearchQuery(np.array([1, 0, 0], np.float32), "default", top_k=2))
    assert [h.text for h in hits] == ["text 1", "text 3"]
    assert hits[0].score == pytest.approx(1.0, abs=1e-5) and hits[0].source == "/docs/a.txt"


def test_unknown_collection_reads_empty_and_bad_names_fail(store):
    assert store.search(SearchQuery(np.ones(3, np.float32), "never")) == []
    assert list(store.iter_chunks("never")) == [] and store.count("never") == 0
    with pytest.raises(VeilError, match="invalid collection"):
        store.count("../escape")


def test_data_survives_reopen(tmp_path):
    first = QdrantEdgeStore(tmp_path / "q")
    first.upsert([item("a", 1, [1, 0, 0])])
    first.close()
    second = QdrantEdgeStore(tmp_path / "q")
    assert second.count("default") == 1
    second.close()


def test_second_process_gets_a_clear_busy_error(tmp_path):
    """flock is per open file description, so a second open in-process behaves like another process."""
    holder = QdrantEdgeStore(tmp_path / "q")
    with pytest.raises(StoreBusyError, match="open in another Veil process"):
        QdrantEdgeStore(tmp_path / "q")
    holder.close()
    QdrantEdgeStore(tmp_path / "q").close()
