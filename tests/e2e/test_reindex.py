"""`veil reindex` on the real embedded stack (unstructured, Presidio, MiniLM on ONNX and on torch, Qdrant
Edge): the collection records its embedder, a re-index keeps every answer, a failure in the middle leaves
the old version searchable, and running the command again completes it; a store written with torch keeps
answering under the ONNX default and moves over with `veil reindex --embedder onnx`."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import SAMPLES
from tests.e2e.conftest import VeilRunner

pytestmark = pytest.mark.e2e


class Fail(Exception):
    pass


def hits(runner: VeilRunner, questions) -> list[list[tuple[str, str]]]:
    """Each question's hits, by document and text (a re-embedded chunk has a new point id)."""
    return [[(c["doc_id"], c["text"]) for c in
             runner.json("query", q["question"], "--no-generate")["citations"]] for q in questions]


def same_hits(now: list[list[tuple[str, str]]], before: list[list[tuple[str, str]]]) -> bool:
    """The same best passage for each question, and the same passages but for one at most: staged
    points count in the collection's BM25 IDF (Qdrant's IDF modifier reads every point; the version
    filter applies to the hits, not the statistics), so while a version is staged two nearly tied
    passages can swap in order, or at the edge of the top k (seen: the fourth hit of one question)."""
    return all(n and b and n[0] == b[0] and len(set(n) & set(b)) >= len(b) - 1 and len(n) == len(b)
               for n, b in zip(now, before, strict=True))


@pytest.fixture
def runner(tmp_path):
    runner = VeilRunner(tmp_path / ".veil", tmp_path)
    shutil.copytree(SAMPLES, tmp_path / "docs")
    runner.chunks = runner.json("ingest", str(tmp_path / "docs"))["totals"]["chunks"]
    return runner


def test_a_torch_store_keeps_answering_under_the_onnx_default_and_moves_over(tmp_path, sample_questions):
    torch_runner = VeilRunner(tmp_path / ".veil", tmp_path, extra_env={"VEIL_EMBEDDING__KIND": "sentence-transformers"})
    torch_runner.json("ingest", str(SAMPLES))
    questions = sample_questions[:2]  # each query is a process that loads torch: two say enough
    with_torch = hits(torch_runner, questions)

    runner = VeilRunner(tmp_path / ".veil", tmp_path)  # the default configuration: onnx
    assert hits(runner, questions) == with_torch  # queried with its recorded embedder, rebuilt
    report = runner.json("reindex", "--embedder", "onnx")
    assert report["embedded_with"].startswith("all-MiniLM-L6-v2 (torch, 384 dims")
    assert report["embedder"].startswith("all-MiniLM-L6-v2 (onnx, 384 dims")
    after = hits(runner, questions)
    assert [h[0] for h in after] == [h[0] for h in with_torch]  # the same best passage for each question


def test_reindex_records_the_embedder_keeps_answers_and_resumes_after_a_failure(runner, sample_questions,
                                                                                monkeypatch):
    from api.reindex_cli import embedding_settings
    from api.wiring import build_embedder, build_veil
    from core.settings import load_settings
    from ingest.reindex import Reindexer

    questions = sample_questions[:4]
    before = hits(runner, questions)
    assert all(before)

    # a failure after two documents, in this process, on the real stack
    monkeypatch.setenv("VEIL_DATA_DIR", str(runner.data_dir))
    settings = load_settings()
    veil = build_veil(settings)
    try:
        recorded = veil.registry.collections.recorded("default")
        assert (recorded.name, recorded.backend, recorded.dim) == ("all-MiniLM-L6-v2", "onnx", 384)
        assert recorded.fingerprint.startswith("sha256:")
        stage, calls = veil.store.stage, []

        def failing_stage(chunks):
            calls.append(1)
            if len(calls) == 3:
                raise Fail("injected")
            stage(chunks)

        monkeypatch.setattr(veil.store, "stage", failing_stage)
        target = build_embedder(embedding_settings(settings, "onnx"))
        with pytest.raises(Fail):
            Reindexer(veil.pipeline, veil.store, target, veil.lock).run("default")
    finally:
        veil.close()
    # the old version, live and whole: the same chunks answer each question (`same_hits`)
    assert same_hits(hits(runner, questions), before)

    report = runner.json("reindex", "--collection", "default")
    assert report["resumed"] == 2 and report["documents"] == 6 and report["dropped"] > 0
    assert report["embedder"].startswith("all-MiniLM-L6-v2 (onnx, 384 dims, weights sha256:")
    assert [sorted(h) for h in hits(runner, questions)] == [sorted(h) for h in before]  # nothing staged now
    exported = runner.run("export").stdout.splitlines()
    assert len(exported) == runner.chunks and report["chunks"] < runner.chunks  # two documents were resumed
    assert all('"generation"' in line for line in exported)  # every live chunk is the run's


def test_reindex_refuses_another_width_and_leaves_the_collection_as_it_was(runner):
    out = runner.run("reindex", "--embedder", "hashing:64", check=False)
    assert out.returncode == 1 and "a re-index keeps the width" in out.stderr
    assert runner.json("query", "termination notice", "--no-generate")["citations"]
