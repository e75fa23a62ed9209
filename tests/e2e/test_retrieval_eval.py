"""`veil eval retrieval` end to end: a BEIR folder through the real pipeline, every mode measured."""

from __future__ import annotations

import json

import pytest

from tests.conftest import ROOT
from tests.e2e.conftest import VeilRunner

pytestmark = pytest.mark.e2e

COVID = ROOT.parent / "shared" / "data" / "retrieval" / "covid-qa-dev"

# A tiny fictional corpus: two near-duplicate topics so that the modes can disagree.
CORPUS = {
    "d1": ("Parental leave", "Employees may take twenty weeks of paid parental leave after a birth or adoption."),
    "d2": ("Expense claims", "Expense claims are reimbursed within ten working days once a manager approves them."),
    "d3": ("Travel policy", "Economy class is required for flights under six hours; receipts go with every claim."),
    "d4": ("Security", "Laptops must use full-disk encryption and lock after five minutes without input."),
    "d5": ("Holidays", "Staff receive twenty-five days of annual leave plus public holidays."),
}
QUERIES = {"q1": ("how long is paid parental leave", "d1"), "q2": ("when are expenses reimbursed", "d2"),
           "q3": ("which flights must be economy", "d3"), "q4": ("laptop disk encryption rule", "d4")}


@pytest.fixture(scope="module")
def beir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("beir") / "policies"
    (folder / "qrels").mkdir(parents=True)
    (folder / "corpus.jsonl").write_text("".join(
        json.dumps({"_id": i, "title": t, "text": x}) + "\n" for i, (t, x) in CORPUS.items()))
    (folder / "queries.jsonl").write_text("".join(
        json.dumps({"_id": q, "text": t}) + "\n" for q, (t, _) in QUERIES.items()))
    (folder / "qrels" / "test.tsv").write_text(
        "query-id\tcorpus-id\tscore\n" + "".join(f"{q}\t{d}\t1\n" for q, (_, d) in QUERIES.items()))
    return folder


@pytest.mark.parametrize("flag", [[], ["--no-redact"]])
def test_every_mode_is_reported_in_one_json_line(beir, tmp_path, flag):
    runner = VeilRunner(tmp_path / ".veil", tmp_path)
    proc = runner.run("eval", "retrieval", str(beir), "--json", *flag)
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert (result["dataset"], result["split"], result["queries"]) == ("policies", "test", 4)
    assert result["redacted"] is (flag == [])
    for metric in ("ndcg@10", "recall@100"):
        assert set(result[metric]) == {"dense", "bm25", "hybrid"}
        assert all(0.75 <= v <= 1.0 for v in result[metric].values()), result
    assert result["latency_ms"]["p95"] >= result["latency_ms"]["p50"] > 0
    assert "searched 4/4 queries" in proc.stderr
    assert not (tmp_path / ".veil" / "qdrant").exists()  # a throw-away collection, never the data dir's


@pytest.mark.skipif(not COVID.is_dir(), reason="needs ../shared/data/retrieval/covid-qa-dev")
def test_hybrid_is_no_worse_than_the_better_mode_on_long_papers(tmp_path):
    runner = VeilRunner(tmp_path / ".veil", tmp_path)
    result = json.loads(runner.run("eval", "retrieval", str(COVID), "--no-redact", "--json").stdout.splitlines()[-1])
    ndcg = result["ndcg@10"]
    assert ndcg["hybrid"] >= max(ndcg["dense"], ndcg["bm25"]) - 0.005, ndcg
