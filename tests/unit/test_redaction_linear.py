"""Redaction cost is linear in the input: crafted text is timed beside prose of the same size in the same
test (a ratio, not seconds), and the deadline (`redaction.deadline_s`) fails a slow file with its reason."""

from __future__ import annotations

import time

import pytest

pytest.importorskip("presidio_analyzer")

from core.errors import ConfigError  # noqa: E402
from core.settings import RedactionSettings, load_settings  # noqa: E402
from ingest.base import ParsedFile  # noqa: E402
from redaction.deadline import RedactionTimeout  # noqa: E402
from redaction.redactor import DocumentRedactor  # noqa: E402
from redaction.spans import Detection, merge_overlaps  # noqa: E402
from redaction.transform.operators import ReplacementPolicy  # noqa: E402
from tests.fakes import EMAIL, TextParser  # noqa: E402
from tests.unit.helpers import fake_veil  # noqa: E402

SIZE = 24_000
MAX_RATIO = 5.0  # generous: measured at 0.3-1.5x prose (bench/adversarial_redaction.py); quadratic was 30-500x
PROSE = ("Margaret Olsen walked to the old mill on Tuesday and found the river higher than expected. "
         "The committee agreed that the new library in Eastbrook would open in the spring. "
         "Dr. Tobias Renner reviewed the notes with the nursing team before the afternoon round.\n\n")
# Each of these took seconds to minutes at this size before: nested or unbounded patterns tried at every
# position, Presidio's context enhancer (results x tokens), the NER model on token-dense runs.
CRAFTED = ["a.", "b.", "a-", "1 ", "1/", ":", "'", "A&", "a'", "0123456789", "55 0123 4567 ", "e\u0301",
           "x@ A-1 ", "A1 ", "123456789 ", "a1.", "Ab-Ab-", "abcdefghijklmnopqrstuvwxyz",
           "> ", ": ", ", a ", "sentenced to ", "the Republic of ", " (Aa ", "non-white "]


def repeated(unit: str, size: int = SIZE) -> str:
    return (unit * (size // len(unit) + 1))[:size]


@pytest.fixture(scope="module")
def redactor():
    from redaction.presidio import PresidioDetector

    redactor = DocumentRedactor(PresidioDetector(RedactionSettings()), ReplacementPolicy())
    redactor.redact(["warm-up: Jane Roe"])
    return redactor


def seconds(redactor, text: str, runs: int = 1) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        redactor.redact_documents([([p for p in text.split("\n\n") if p.strip()], "doc")])
        best = min(best, time.perf_counter() - started)
    return best


@pytest.fixture(scope="module")
def prose_seconds(redactor):
    return seconds(redactor, repeated(PROSE), runs=2)


@pytest.mark.parametrize("unit", CRAFTED)
def test_crafted_text_redacts_within_a_small_multiple_of_prose(redactor, prose_seconds, unit):
    took = seconds(redactor, repeated(unit))
    if took > MAX_RATIO * prose_seconds:  # a busy machine: measure both again, back to back
        took, prose = seconds(redactor, repeated(unit)), seconds(redactor, repeated(PROSE))
        assert took <= MAX_RATIO * prose, f"{unit!r}: {took:.2f} s against {prose:.2f} s of prose"


def test_long_texts_are_read_in_windows_with_the_same_result(redactor, monkeypatch):
    """Windows (spaCy's limit, deadline checks) cut at line breaks and overlap: a name beside each cut is
    found at its offsets, as when the text is read whole."""
    import redaction.presidio as presidio

    paragraph = "The committee met on the third floor and agreed on the budget for next year. " * 6
    text = "".join(f"{paragraph}\nSigned by Dr. Eleanor Whitfield at 12 Main Street on 3 March 2021.\n"
                   for _ in range(8))
    whole = merge_overlaps(redactor.detections([text])[0])
    monkeypatch.setattr(presidio, "WINDOW", 1_500)
    monkeypatch.setattr(presidio, "OVERLAP", 300)
    monkeypatch.setattr(presidio, "_CUT_SEARCH", 400)
    assert len(list(presidio.text_windows(0, text))) > 3
    windowed = merge_overlaps(redactor.detections([text])[0])
    assert [(d.start, d.end) for d in windowed] == [(d.start, d.end) for d in whole]
    assert sum(text[d.start:d.end] == "Eleanor Whitfield" for d in windowed) == 8


def test_the_ner_view_blanks_only_token_dense_stretches_and_keeps_offsets():
    from redaction.nlp import ner_view

    prose = "Jane Roe wrote on 12/03/2021 from https://example.org/a (tel. 555 0123)."
    assert ner_view(prose) == prose
    for crafted in ["Jane " + "a-" * 60 + " Roe", "Jane " + "1 " * 40 + "Roe", "Jane " + ":" * 80]:
        view = ner_view(crafted)
        assert len(view) == len(crafted) and view.split() in (["Jane"], ["Jane", "Roe"])


def test_the_indexed_context_enhancer_finds_the_context_presidio_would(redactor):
    from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer

    from redaction.nlp import IndexedContextEnhancer

    engine = redactor._detector._batch_analyzer.analyzer_engine.nlp_engine
    text = "Phone: call the office on 555 123 4567, or my cell. The of and 123456789 to a the number."
    artifacts = engine.process_text(text, "en")
    presidio, veil = LemmaContextAwareEnhancer(), IndexedContextEnhancer()
    for start in range(len(text)):
        assert (sorted(veil._extract_surrounding_words(artifacts, "x", start))
                == sorted(presidio._extract_surrounding_words(artifacts, "x", start)))


class SlowDetector:
    """E-mail addresses, slowly for a text that says SLOW (what a hostile file would cost)."""

    def detect(self, texts):
        if any("SLOW" in t for t in texts):
            time.sleep(0.3)
        return [[Detection("EMAIL_ADDRESS", m.start(), m.end(), 1.0, "fake") for m in EMAIL.finditer(t)]
                for t in texts]

    def detect_capitalised(self, texts):
        return [[] for _ in texts]


def test_a_file_past_the_redaction_deadline_fails_with_the_reason_and_the_others_are_ingested(tmp_path):
    veil = fake_veil(tmp_path / "data")
    veil.redactor = DocumentRedactor(SlowDetector(), ReplacementPolicy(), veil.audit.hash_value, deadline_s=0.1)
    try:
        folder = tmp_path / "in"
        folder.mkdir()
        (folder / "a.txt").write_text("An ordinary note for jane.roe@example.com.")
        (folder / "b.txt").write_text("SLOW: a note that takes too long to redact.")
        report = veil.pipeline.ingest_paths([folder], "default")  # one file at a time (REST, queue alike)
        by_name = {r.path.rsplit("/", 1)[-1]: r for r in report.files}
        assert by_name["a.txt"].status == "ingested"
        assert by_name["b.txt"].status == "failed"
        assert by_name["b.txt"].error.startswith("redaction took longer than 0.1 s (redaction.deadline_s)")

        pipeline = veil.pipeline  # bulk ingest: a batch past the deadline is redone file by file
        parsed = [(pipeline.check(f.read_bytes(), f.name + "2", str(f) + "2", "other"),
                   ParsedFile(TextParser().parse(f.read_bytes(), f.name))) for f in (folder / "a.txt", folder / "b.txt")]
        good, slow = pipeline.prepare_many(parsed)
        assert not isinstance(good, Exception) and isinstance(slow, RedactionTimeout)
    finally:
        veil.close()


def test_the_detector_checks_the_deadline_between_windows(redactor):
    tight = DocumentRedactor(redactor._detector, ReplacementPolicy(), deadline_s=1e-9)
    with pytest.raises(RedactionTimeout, match=r"redaction took longer than 1e-09 s"):
        tight.redact(["Jane Roe lives at 12 Main Street."])


@pytest.mark.parametrize("value", ["0", "-5", "nan", "inf", "soon"])
def test_an_invalid_redaction_deadline_fails_loudly(monkeypatch, value):
    monkeypatch.setenv("VEIL_REDACTION__DEADLINE_S", value)
    with pytest.raises(ConfigError, match="deadline_s"):
        load_settings()


def test_the_redaction_deadline_is_configurable(monkeypatch):
    assert load_settings().redaction.deadline_s == 300
    monkeypatch.setenv("VEIL_REDACTION__DEADLINE_S", "45.5")
    assert load_settings().redaction.deadline_s == 45.5
