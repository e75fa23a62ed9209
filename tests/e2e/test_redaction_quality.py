"""Redaction quality on real text, beside vanilla Presidio in the same run (skips without the data).

The bars are issue 6's: recall at least vanilla's + 0.10 (or 0.95), precision no more than 0.05 below
vanilla's, and precision at least 0.30 on upper-case clinical notes, on the whole court set and the
nursing notes' held-out fifth (about two minutes together); issue 23's bars: on nursing notes recall 0.85 at precision
0.45, on court judgments 0.86 at 0.65, with no label more than 0.02 below vanilla's recall (amounts
excepted and 0.05 for organisations on judgments). presidio-synth stays as a regression check of the
structured identifiers only: its 256 templates measure template recall.
Speed is a benchmark's business (bench/redaction.py), not a test's.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from core.settings import RedactionSettings
from redaction.evaluation import compare_with_baseline, evaluate, load_dataset
from redaction.presidio import PresidioDetector
from redaction.redactor import DocumentRedactor
from redaction.transform.operators import ReplacementPolicy

pytestmark = pytest.mark.e2e

PII = Path(__file__).resolve().parents[3] / "shared" / "data" / "pii"
STRUCTURED = ("EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "IBAN_CODE", "US_SSN", "IP_ADDRESS")


def _side_by_side(name: str, limit: int, split: str = "all") -> dict:
    path = PII / name
    if not path.exists():
        pytest.skip(f"{path} not present")
    return compare_with_baseline(load_dataset(path, split)[:limit], RedactionSettings())


def _meets_the_bar(result: dict) -> None:
    base = result["baseline"]
    assert result["recall"] >= min(0.95, base["recall"] + 0.10), (result["recall"], base["recall"])
    assert result["precision"] >= base["precision"] - 0.05, (result["precision"], base["precision"])


def test_court_judgments_beat_vanilla_by_the_bar():
    result = _side_by_side("tab-echr-dev.jsonl", 78)
    _meets_the_bar(result)
    # issue 23's bar: recall 0.86 at precision 0.65 (vanilla: about 0.75 at 0.47); public bodies,
    # states and their organs stay readable; amounts (QUANTITY) are kept readable on purpose, and
    # organisations (ORG) may trail vanilla by 0.05, as public bodies are kept
    assert result["recall"] >= 0.86 and result["precision"] >= 0.65, result
    _no_label_below_vanilla(result, except_labels={"QUANTITY/QUASI"}, slack_for={"ORG/QUASI": 0.05})


def test_nursing_notes_beat_vanilla_and_stay_readable():
    # the held-out fifth (300 notes), never looked at while the rules were written: the whole set took
    # two minutes of the suite, and the bar is the one the issue sets for unseen notes
    result = _side_by_side("physionet-deid-dev.jsonl", 1450, split="heldout")
    _meets_the_bar(result)
    # issue 23's bar: recall 0.85 at precision 0.45 (vanilla: about 0.66 at 0.03)
    assert result["recall"] >= 0.85 and result["precision"] >= 0.45, result
    _no_label_below_vanilla(result)


def _no_label_below_vanilla(result: dict, slack: float = 0.02, except_labels: frozenset | set = frozenset(),
                            slack_for: dict | None = None) -> None:
    """No label with ten or more spans more than `slack` (or its own in `slack_for`) below vanilla's recall."""
    for label, scores in result["per_label"].items():
        baseline = result["baseline"]["per_label"][label]["recall"]
        if scores["support"] >= 10 and label not in except_labels:
            allowed = (slack_for or {}).get(label, slack)
            assert scores["recall"] >= baseline - allowed, (label, scores, baseline)


def test_upper_case_notes_keep_their_meaning():
    path = PII / "physionet-deid-dev.jsonl"
    if not path.exists():
        pytest.skip(f"{path} not present")
    upper = [r for r in load_dataset(path) if _upper_share(r.text) >= 0.9]
    assert len(upper) >= 100
    redactor = DocumentRedactor(PresidioDetector(RedactionSettings()), ReplacementPolicy())
    scores = evaluate(upper, redactor.ranges)
    assert scores["precision"] >= 0.30 and scores["recall"] >= 0.70, scores


def test_presidio_synth_structured_identifiers_regression():
    path = PII / "presidio-synth.jsonl"
    if not path.exists():
        pytest.skip(f"{path} not present")
    redactor = DocumentRedactor(PresidioDetector(RedactionSettings()), ReplacementPolicy())
    scores = evaluate(load_dataset(path, "heldout"), redactor.ranges)
    # The overall floor is loose on purpose: address shapes that only this set's generator writes were
    # removed as template-tuned (issue 22 item 7), taking held-out recall from 0.90 to 0.88; what this
    # test guards is the structured identifiers below.
    assert scores["recall"] >= 0.85 and scores["precision"] >= 0.90, scores
    for label in STRUCTURED:
        if label in scores["per_label"]:
            assert scores["per_label"][label]["recall"] >= 0.98, (label, scores["per_label"][label])


def _upper_share(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    return sum(c.isupper() for c in letters) / len(letters) if letters else 0.0
