"""A kill while Qdrant Edge creates a collection never leaves a data dir that cannot be opened."""

from __future__ import annotations

import pytest

pytest.importorskip("qdrant_edge")

from retrieval.qdrant_edge import QdrantEdgeStore  # noqa: E402


def test_a_collection_whose_creation_was_cut_short_reads_as_empty_and_is_created_again(tmp_path):
    root = tmp_path / "qdrant"
    cut_short = root / "default"
    (cut_short / "segments").mkdir(parents=True)  # what a kill during creation left, before the fix
    (cut_short / "wal").mkdir()
    (cut_short / "wal" / "tmp-open-1").write_bytes(b"")
    store = QdrantEdgeStore(root)
    try:
        assert list(store.iter_chunks("default")) == []
        assert store._shard("default", 4) is not None  # created again, whole
    finally:
        store.close()
    reopened = QdrantEdgeStore(root)
    try:
        assert list(reopened.iter_chunks("default")) == []
        assert reopened.collections() == ["default"]
    finally:
        reopened.close()


def test_a_creation_folder_left_by_a_kill_is_replaced_and_never_listed(tmp_path):
    root = tmp_path / "qdrant"
    (root / ".default.creating" / "wal").mkdir(parents=True)
    store = QdrantEdgeStore(root)
    try:
        store._shard("default", 4)
        assert store.collections() == ["default"]
        assert not (root / ".default.creating").exists()
    finally:
        store.close()
