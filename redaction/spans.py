"""Pure span arithmetic: merge overlapping detections and splice placeholders into text."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from core.types import Redacted, Span
from redaction.operators import ReplacementPolicy
from redaction.placeholders import PlaceholderBook

DEFAULT_POLICY = ReplacementPolicy()


@dataclass(frozen=True)
class Detection:
    """A detector's finding, located in the ORIGINAL text. Lives in memory only."""

    entity_type: str
    start: int
    end: int
    score: float
    detector: str


def merge_overlaps(detections: Iterable[Detection]) -> list[Detection]:
    """Union overlapping detections (a leak is a leak); the highest score names the merged span."""
    merged: list[Detection] = []
    for det in sorted(detections, key=lambda d: (d.start, -d.end)):
        if merged and det.start < merged[-1].end:
            last = merged[-1]
            best = last if last.score >= det.score else det
            merged[-1] = Detection(
                best.entity_type, last.start, max(last.end, det.end), best.score, best.detector
            )
        else:
            merged.append(det)
    return merged


def apply_placeholders(text: str, detections: Iterable[Detection], book: PlaceholderBook,
                       policy: ReplacementPolicy = DEFAULT_POLICY,
                       hash_value: Callable[[str], str] | None = None) -> Redacted:
    """Replace each merged detection as the policy says; spans point into the redacted text."""
    pieces: list[str] = []
    spans: list[Span] = []
    cursor = out_len = 0
    for det in merge_overlaps(detections):
        value = text[det.start:det.end]
        before = text[cursor:det.start]
        replacement, operator = policy.replacement(det.entity_type, value, book)
        pieces += [before, replacement]
        out_len += len(before)
        spans.append(Span(det.entity_type, out_len, out_len + len(replacement), round(det.score, 4),
                          det.detector, replacement, operator, hash_value(value) if hash_value else None))
        out_len += len(replacement)
        cursor = det.end
    pieces.append(text[cursor:])
    return Redacted("".join(pieces), tuple(spans))
