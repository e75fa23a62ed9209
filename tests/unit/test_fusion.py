"""The fusions of a dense and a BM25 ranking (retrieval/fusion.py), on hand-made rankings."""

from __future__ import annotations

import pytest

from retrieval.fusion import FUSIONS, zscore
from retrieval.qdrant_edge import QdrantEdgeStore

DENSE = [("a", 0.82), ("b", 0.80), ("c", 0.79), ("d", 0.78)]  # a flat list: it is not sure
BM25 = [("c", 31.0), ("e", 9.0), ("b", 8.5), ("f", 8.0)]  # one hit stands far out


def keys(ranking):
    return [key for key, _ in ranking]


def test_zscore_is_scale_free():
    scaled = [(key, 100 * score + 7) for key, score in BM25]
    assert keys(zscore([DENSE, scaled])) == keys(zscore([DENSE, BM25]))


def test_a_hit_that_stands_out_in_one_list_outranks_a_flat_lists_best():
    assert keys(zscore([DENSE, BM25]))[0] == "c"


def test_a_hit_missing_from_a_list_counts_as_that_lists_lowest_not_as_its_average():
    fused = dict(zscore([DENSE, BM25]))
    # "e" is only in BM25; "d", last in dense, is missing from BM25: each gets the other list's floor
    lowest_dense = min(score for _, score in zscore([DENSE]))
    assert fused["e"] == pytest.approx(dict(zscore([BM25]))["e"] + lowest_dense)
    assert fused["d"] == min(fused.values())  # last of one list and absent from the other


def test_every_fusion_keeps_every_hit_once_and_takes_empty_or_flat_lists():
    for name, fuse in FUSIONS.items():
        fused = fuse([DENSE, BM25])
        assert sorted(keys(fused)) == sorted({k for k, _ in DENSE + BM25}), name
        assert fuse([[], []]) == [], name
        assert keys(fuse([[("x", 1.0), ("y", 1.0)], []])) == ["x", "y"], name


def test_an_unknown_fusion_is_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown fusion"):
        QdrantEdgeStore(tmp_path / "qdrant", "borda")
