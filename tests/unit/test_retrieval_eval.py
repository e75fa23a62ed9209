from __future__ import annotations

import json

import pytest

from core.errors import VeilError
from retrieval.evaluation import best_chunk_ranking, load_beir, ndcg_at, recall_at


def test_ndcg_and_recall_on_hand_computed_rankings():
    relevant = {"a": 1, "b": 2}
    assert ndcg_at(["b", "a", "x"], relevant) == pytest.approx(1.0)
    worst = ndcg_at(["x", "y", "a", "b"], relevant)
    assert 0 < worst < ndcg_at(["a", "b"], relevant) < 1
    assert ndcg_at(["x"] * 10 + ["a"], relevant) == 0.0  # past the tenth place counts nothing
    assert recall_at(["a", "x"], relevant) == 0.5 and recall_at([], relevant) == 0.0


def test_a_document_ranks_by_its_best_chunk():
    assert best_chunk_ranking(["d2", "d1", "d2", "d3", "d1"]) == ["d2", "d1", "d3"]


def test_beir_loading_keeps_judged_queries_and_checks_the_layout(tmp_path):
    (tmp_path / "qrels").mkdir()
    (tmp_path / "corpus.jsonl").write_text(json.dumps({"_id": "d1", "title": "T", "text": "Body"}) + "\n")
    (tmp_path / "queries.jsonl").write_text(json.dumps({"_id": "q1", "text": "?"}) + "\n"
                                            + json.dumps({"_id": "q2", "text": "unjudged"}) + "\n")
    (tmp_path / "qrels" / "test.tsv").write_text("query-id\tcorpus-id\tscore\nq1\td1\t1\n")
    beir = load_beir(tmp_path)
    assert beir.corpus == {"d1": "T\n\nBody"} and beir.queries == {"q1": "?"} and beir.qrels == {"q1": {"d1": 1}}
    with pytest.raises(VeilError, match="qrels/dev.tsv is missing"):
        load_beir(tmp_path, "dev")
