"""The redaction quality bar on the held-out fifth of presidio-synth (skips where the data is absent).

Speed is a benchmark's business (bench/redaction.py), not a test's: only quality is asserted here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from core.settings import RedactionSettings
from redaction.evaluation import evaluate
from redaction.transform.operators import ReplacementPolicy
from redaction.presidio import PresidioDetector
from redaction.redactor import DocumentRedactor

pytestmark = pytest.mark.e2e

DATASET = Path(__file__).resolve().parents[3] / "shared" / "data" / "pii" / "presidio-synth.jsonl"
STRUCTURED = ("EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "IBAN_CODE", "US_SSN", "IP_ADDRESS")


@pytest.mark.skipif(not DATASET.exists(), reason="shared PII dataset not present")
def test_heldout_recall_and_precision_meet_the_bar():
    from redaction.evaluation import load_dataset

    records = load_dataset(DATASET, "heldout")
    redactor = DocumentRedactor(PresidioDetector(RedactionSettings()), ReplacementPolicy())
    scores = evaluate(records, redactor.ranges)
    assert scores["recall"] >= 0.95 and scores["precision"] >= 0.85, scores
    for label in STRUCTURED:
        if label in scores["per_label"]:
            assert scores["per_label"][label]["recall"] >= 0.98, (label, scores["per_label"][label])
