"""Redaction quality on the PII benchmark format of DESIGN.md.

A gold span is *caught* when every letter and digit in it lies inside redacted text (a leak is a
leak, whatever label the detector gave it). Precision counts redacted letters and digits that lie
inside gold spans. Both are label-agnostic; recall is also broken down by gold label.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import VeilError

# A detector maps texts (one document each) to the [start, end) ranges it would redact.
Detector = Callable[[Sequence[str]], list[list[tuple[int, int]]]]


@dataclass(frozen=True)
class GoldRecord:
    id: str
    text: str
    spans: tuple[tuple[int, int, str], ...]


def load_dataset(path: Path, split: str = "all") -> list[GoldRecord]:
    """JSON lines {"id", "text", "spans": [{"start", "end", "label"}]}; split: all | dev | heldout."""
    records = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise VeilError(f"cannot read dataset {path}: {exc.strerror}") from None
    for number, line in enumerate(lines, start=1):
        if line.strip():
            records.append(_parse_record(line, number))
    return [r for r in records if split == "all" or (split == "heldout") == is_heldout(r.id)]


def _parse_record(line: str, number: int) -> GoldRecord:
    try:
        raw = json.loads(line)
        spans = tuple((int(s["start"]), int(s["end"]), str(s["label"])) for s in raw["spans"])
        return GoldRecord(str(raw["id"]), raw["text"], spans)
    except (ValueError, KeyError, TypeError) as exc:
        raise VeilError(f"dataset line {number} is not a valid record ({type(exc).__name__})") from None


def is_heldout(record_id: str) -> bool:
    """A fixed fifth of any dataset, chosen by id hash: never looked at while tuning."""
    return hashlib.sha256(record_id.encode()).digest()[0] % 5 == 0


@dataclass
class Tally:
    gold: int = 0
    caught: int = 0
    redacted_chars: int = 0
    redacted_gold_chars: int = 0
    per_label: dict[str, list[int]] = field(default_factory=dict)  # label -> [caught, support]
    errors: list[dict] | None = None  # when a list: every missed span and over-redacted stretch

    def add(self, record: GoldRecord, ranges: Iterable[tuple[int, int]]) -> None:
        text = record.text
        redacted = _mask(len(text), ranges)
        gold = _mask(len(text), ((s, e) for s, e, _ in record.spans))
        alnum = [c.isalnum() for c in text]
        self.redacted_chars += sum(1 for i, r in enumerate(redacted) if r and alnum[i])
        self.redacted_gold_chars += sum(1 for i, r in enumerate(redacted) if r and alnum[i] and gold[i])
        for start, end, label in record.spans:
            hit = all(redacted[i] for i in range(start, end) if alnum[i])
            self.gold += 1
            self.caught += hit
            counts = self.per_label.setdefault(label, [0, 0])
            counts[0] += hit
            counts[1] += 1
            if not hit and self.errors is not None:
                self.errors.append(_error(record, "missed", start, end, label))
        if self.errors is not None:
            self.errors += [_error(record, "over-redacted", s, e, None)
                            for s, e in _runs(i for i, r in enumerate(redacted) if r and alnum[i] and not gold[i])]

    def scores(self) -> dict:
        recall = self.caught / self.gold if self.gold else 1.0
        precision = self.redacted_gold_chars / self.redacted_chars if self.redacted_chars else 1.0
        f2 = 5 * precision * recall / (4 * precision + recall) if precision + recall else 0.0
        per_label = {label: {"recall": round(c / n, 4), "support": n}
                     for label, (c, n) in sorted(self.per_label.items())}
        return {"recall": round(recall, 4), "precision": round(precision, 4), "f2": round(f2, 4),
                "per_label": per_label}


def _error(record: GoldRecord, kind: str, start: int, end: int, label: str | None) -> dict:
    """One line of the error report: the span and a little context (dev sets only: test data)."""
    text = record.text
    return {"id": record.id, "kind": kind, "label": label, "start": start, "end": end,
            "text": text[start:end], "context": text[max(0, start - 40):end + 40].replace("\n", " ")}


def _runs(indexes: Iterable[int]) -> list[tuple[int, int]]:
    """Consecutive indexes as [start, end) runs, bridging single gaps (the space inside a name)."""
    runs: list[list[int]] = []
    for i in indexes:
        if runs and i <= runs[-1][1] + 1:
            runs[-1][1] = i + 1
        else:
            runs.append([i, i + 1])
    return [(a, b) for a, b in runs]


def _mask(length: int, ranges: Iterable[tuple[int, int]]) -> list[bool]:
    mask = [False] * length
    for start, end in ranges:
        for i in range(max(0, start), min(length, end)):
            mask[i] = True
    return mask


def evaluate_side_by_side(records: Sequence[GoldRecord], detectors: dict[str, Detector],
                          batch_size: int = 64, errors: dict[str, list] | None = None) -> dict[str, dict]:
    """Scores plus throughput for each detector; batches alternate between detectors so that
    noise on a shared machine hits all of them alike. `errors` (detector name -> list) collects
    each detector's missed spans and over-redacted stretches."""
    errors = errors or {}
    tallies = {name: Tally(errors=errors.get(name)) for name in detectors}
    elapsed = dict.fromkeys(detectors, 0.0)
    for i in range(0, len(records), batch_size):
        batch = records[i:i + batch_size]
        texts = [r.text for r in batch]
        for name, detect in detectors.items():
            started = time.perf_counter()
            found = detect(texts)
            elapsed[name] += time.perf_counter() - started
            for record, ranges in zip(batch, found):
                tallies[name].add(record, ranges)
    chars = sum(len(r.text) for r in records)
    return {name: tallies[name].scores() | {"records": len(records),
                                            "chars_per_s": round(chars / elapsed[name]) if elapsed[name] else 0}
            for name in detectors}


def evaluate(records: Sequence[GoldRecord], detector: Detector, batch_size: int = 64) -> dict:
    return evaluate_side_by_side(records, {"only": detector}, batch_size)["only"]


def compare_with_baseline(records: Sequence[GoldRecord], settings, errors: list | None = None,
                          policy=None) -> dict:
    """Veil's configured redaction beside vanilla Presidio (same spaCy model), in one run; Veil's
    misses and over-redactions go to `errors` when it is a list. `policy` (`redaction.policies`;
    default: `default`) decides which of Veil's detections count as redacted."""
    from redaction.policies import DEFAULT_POLICY
    from redaction.transform.operators import ReplacementPolicy
    from redaction.presidio import PresidioDetector, VanillaPresidio
    from redaction.redactor import DocumentRedactor

    veil = DocumentRedactor(PresidioDetector(settings), ReplacementPolicy(settings.operators))
    vanilla = VanillaPresidio(settings)
    for detector in (veil, vanilla):  # load models outside the timed region
        detector.ranges(["Warm-up for Jane Doe at jane@example.com."])
    chosen = policy or DEFAULT_POLICY
    results = evaluate_side_by_side(records, {"veil": lambda texts: veil.ranges(texts, chosen),
                                              "baseline": vanilla.ranges},
                                    errors={"veil": errors} if errors is not None else None)
    return results["veil"] | {"baseline": results["baseline"],
                              "speedup": round(results["veil"]["chars_per_s"] / max(1, results["baseline"]["chars_per_s"]), 2)}
