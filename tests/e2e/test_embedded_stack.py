"""The embedded default end to end: unstructured, Presidio, MiniLM, Qdrant Edge and the Gemma GGUF."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import SAMPLES
from tests.e2e.conftest import VeilRunner
from tests.e2e.leaks import leaked

pytestmark = pytest.mark.e2e


def test_every_sample_is_ingested_with_its_personal_data_redacted(ingested, planted):
    _, report = ingested
    by_file = {Path(f["path"]).name: f for f in report["files"]}
    assert set(by_file) == {p.name for p in SAMPLES.iterdir()}
    for name, result in by_file.items():
        assert result["status"] == "ingested" and result["chunks"] > 0, result
        # Every planted type is named as itself (an address absorbs the city NER found inside it).
        planted_labels = {p["label"] for p in planted if p["file"] == name}
        assert planted_labels <= set(result["redactions"]), (name, result["redactions"])
    assert report["totals"]["ingested"] == 6 and report["totals"]["failed"] == 0


def test_no_planted_value_in_the_export(ingested, planted):
    runner, report = ingested
    lines = runner.run("export").stdout.splitlines()
    assert len(lines) == report["totals"]["chunks"]
    records = [json.loads(line) for line in lines]
    assert {"chunk_id", "text", "metadata"} <= records[0].keys()
    assert any("<PERSON_1>" in r["text"] for r in records)
    assert leaked(planted, "\n".join(lines)) == []


def test_no_planted_value_anywhere_in_the_data_dir(ingested, planted):
    """Store segments, registry, logs: nothing on disk holds a raw value."""
    runner, _ = ingested
    blobs = [p.read_bytes().decode("utf-8", "ignore") for p in runner.data_dir.rglob("*") if p.is_file()]
    assert sum(len(b) for b in blobs) > 10_000
    assert leaked(planted, "\n".join(blobs)) == []


def test_each_sample_questions_expected_phrase_survives_redaction(ingested, sample_questions):
    """Redaction keeps what a reader needs: doses, amounts, durations, causes stay in the store."""
    runner, _ = ingested
    stored = "\n".join(json.loads(line)["text"] for line in runner.run("export").stdout.splitlines())
    missing = [q["expected_phrase"] for q in sample_questions if q["expected_phrase"] not in stored]
    assert missing == []


def test_questions_cite_the_right_document(ingested, sample_questions, planted):
    runner, _ = ingested
    for item in sample_questions:
        result = runner.json("query", item["question"], "--no-generate")
        assert result["citations"], item
        assert result["citations"][0]["document"] == item["file"], (item, result["citations"])
        assert leaked(planted, json.dumps(result)) == []


def test_default_answers_state_the_expected_phrase_for_every_sample_question(ingested, sample_questions, planted):
    """Every sample question is asked; the default answer (quotes with the packaged base model) is judged."""
    runner, _ = ingested
    stated = []
    for item in sample_questions:
        result = runner.json("query", item["question"])
        assert result["route"] == "local" and result["mode"] == "extractive", result
        assert result["citations"][0]["document"] == item["file"], (item["file"], result["citations"])
        assert {"document", "page", "chunk_id", "score", "text", "doc_id", "source", "start", "end"} == result["citations"][0].keys()
        assert result["citations"][0]["source"] == f"documents/{item['file']}"  # folder-relative, never absolute
        assert "[1]" in result["answer"] and len(result["citations"]) <= 4
        assert leaked(planted, json.dumps(result)) == []
        stated.append(item["expected_phrase"] in result["answer"])
    assert all(stated), stated


def test_generated_answers_are_kept_only_when_their_citations_hold_every_figure(ingested, sample_questions):
    """The packaged model's own answers: each one either rests on its citations or is replaced by quotes."""
    from generation.grounding import unsupported_figures

    runner, _ = ingested
    for item in sample_questions:
        result = runner.json("query", item["question"], "--mode", "generative")
        assert result["route"] == "local" and result["reason"], result
        cited = [c["text"] for c in result["citations"]]
        if result["mode"] == "generative":
            assert unsupported_figures(result["answer"], item["question"], cited) == set(), result
        else:
            assert result["mode"] == "extractive" and "withheld" in result["reason"], result
        assert not re.search(r"(<[A-Z_]+_\d+>[\s,;]*){3,}", result["answer"]), result


def test_retrieval_only_shows_each_hits_text(ingested, sample_questions):
    runner, _ = ingested
    item = sample_questions[0]
    shown = runner.run("query", item["question"], "--no-generate").stdout
    first = runner.json("query", item["question"], "--no-generate")["citations"][0]
    line = next(l.strip() for l in first["text"].splitlines() if l.strip())
    assert "[1] " + item["file"] in shown and line in shown


def test_unrelated_question_gets_i_dont_know(ingested):
    runner, _ = ingested
    result = runner.json("query", "Which team won the 1966 football world cup final?")
    assert result["citations"] == [] and result["route"] == "none"
    assert result["answer"].startswith("I don't know")


def test_second_ingest_adds_zero_chunks(ingested):
    runner, first = ingested
    before = len(runner.run("export").stdout.splitlines())
    again = runner.json("ingest", str(SAMPLES))
    assert again["totals"]["unchanged"] == 6 and again["totals"]["chunks"] == 0
    assert {f["status"] for f in again["files"]} == {"unchanged"}
    assert len(runner.run("export").stdout.splitlines()) == before == first["totals"]["chunks"]


def test_corrupt_and_empty_files_fail_alone(ingested, tmp_path):
    runner, _ = ingested
    (tmp_path / "corrupt.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\n garbage")
    (tmp_path / "empty.txt").write_bytes(b"")
    shutil.copy(SAMPLES / "insurance_claim.txt", tmp_path / "claim.txt")
    proc = runner.run("ingest", str(tmp_path), "--collection", "mixed", "--json", check=False)
    assert proc.returncode == 1
    files = {Path(f["path"]).name: f for f in json.loads(proc.stdout)["files"]}
    assert files["claim.txt"]["status"] == "ingested" and files["claim.txt"]["chunks"] > 0
    assert files["corrupt.pdf"]["status"] == "failed" and "corrupt PDF" in files["corrupt.pdf"]["error"]
    assert files["empty.txt"]["status"] == "failed" and files["empty.txt"]["error"] .startswith("the file is empty")


def test_personal_data_in_file_names_never_reaches_the_store_logs_or_answers(tmp_path, planted):
    """A hospital export names files after the patient: the name is redacted with the document."""
    runner = VeilRunner(tmp_path / ".veil", tmp_path)
    folder = tmp_path / "ward 7" / "Whitfield_Eleanor"
    folder.mkdir(parents=True)
    shutil.copy(SAMPLES / "discharge_summary.pdf", folder / "Whitfield_Eleanor_discharge.pdf")
    report = runner.json("ingest", str(folder))
    assert report["totals"]["ingested"] == 1
    exported = runner.run("export").stdout
    sources = {json.loads(line)["metadata"]["source"] for line in exported.splitlines()}
    assert len(sources) == 1 and sources.pop().endswith("_discharge.pdf")
    answer = runner.json("query", "What dose of the blood thinner was the patient sent home on?", "--no-generate")
    assert answer["citations"][0]["document"].endswith("_discharge.pdf")
    blobs = [p.read_bytes().decode("utf-8", "ignore") for p in runner.data_dir.rglob("*") if p.is_file()]
    for text in (exported, json.dumps(answer), runner.log_text(), *blobs):
        assert "whitfield" not in text.lower() and "eleanor" not in text.lower()


def test_logs_and_console_hold_no_planted_value(ingested, planted):
    """Runs last in this module: by now every command above has logged."""
    runner, _ = ingested
    log = runner.log_text()
    assert "ingested" in log and "answered locally" in log
    assert leaked(planted, log + "\n".join(runner.transcript)) == []
