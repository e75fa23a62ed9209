"""Scoring of DESIGN.md's PII format, on fixtures small enough to check by hand."""

from __future__ import annotations

import json

import pytest

from core.errors import VeilError
from redaction.evaluation import GoldRecord, Tally, evaluate, evaluate_side_by_side, is_heldout, load_dataset

#             0         1         2         3
#             0123456789012345678901234567890123456
TEXT = "Ann Lee paid 42 at 5 Main St, Austin."
GOLD = GoldRecord("r1", TEXT, ((0, 7, "PERSON"), (19, 28, "STREET_ADDRESS")))


def score(ranges, record=GOLD):
    tally = Tally()
    tally.add(record, ranges)
    return tally.scores()


def test_exact_redaction_is_perfect():
    s = score([(0, 7), (19, 28)])
    assert (s["recall"], s["precision"]) == (1.0, 1.0)


def test_a_span_counts_only_when_every_letter_and_digit_is_covered():
    s = score([(0, 6), (19, 28)])  # "Ann Le" leaves the "e" of Lee
    assert s["recall"] == 0.5 and s["per_label"]["PERSON"] == {"recall": 0.0, "support": 1}


def test_punctuation_and_spaces_do_not_need_covering():
    s = score([(0, 3), (4, 7), (19, 28)])  # the space between first and last name stays
    assert s["recall"] == 1.0


def test_precision_counts_letters_and_digits_only():
    # redact "Ann Lee paid" (10 alnum, 6 of them gold) and the address (7 alnum, all gold)
    s = score([(0, 12), (19, 28)])
    assert s["precision"] == pytest.approx(13 / 17, abs=1e-4)
    assert s["f2"] == pytest.approx(5 * (13 / 17) * 1 / (4 * (13 / 17) + 1), abs=1e-4)


def test_nothing_redacted_means_zero_recall_and_vacuous_precision():
    s = score([])
    assert (s["recall"], s["precision"], s["f2"]) == (0.0, 1.0, 0.0)


def test_side_by_side_runs_every_detector_on_the_same_records():
    records = [GOLD, GoldRecord("r2", "no pii here", ())]
    results = evaluate_side_by_side(records, {"all": lambda ts: [[(0, len(t))] for t in ts],
                                              "none": lambda ts: [[] for _ in ts]})
    assert results["all"]["recall"] == 1.0 and results["none"]["recall"] == 0.0
    assert results["all"]["records"] == 2 and results["all"]["chars_per_s"] > 0
    assert evaluate(records, lambda ts: [[] for _ in ts])["recall"] == 0.0


def test_dataset_loading_splits_and_rejects_bad_lines(tmp_path):
    path = tmp_path / "set.jsonl"
    rows = [{"id": f"x{i}", "text": "a", "spans": [{"start": 0, "end": 1, "label": "P"}]} for i in range(50)]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    heldout, dev = load_dataset(path, "heldout"), load_dataset(path, "dev")
    assert len(heldout) + len(dev) == 50 and 3 <= len(heldout) <= 20
    assert all(is_heldout(r.id) for r in heldout) and not any(is_heldout(r.id) for r in dev)
    path.write_text('{"id": "x", "text": "a"}\n')
    with pytest.raises(VeilError, match="line 1"):
        load_dataset(path)
