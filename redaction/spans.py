"""Pure span arithmetic: merge overlapping detections and splice placeholders into text."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from core.types import Redacted, Span
from redaction.placeholders import PlaceholderBook


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


def apply_placeholders(text: str, detections: Iterable[Detection], book: PlaceholderBook) -> Redacted:
    """Replace each merged detection with its placeholder; spans point into the redacted text."""
    pieces: list[str] = []
    spans: list[Span] = []
    cursor = 0
    out_len = 0
    for det in merge_overlaps(detections):
        before = text[cursor:det.start]
        pieces.append(before)
        out_len += len(before)
        token = book.token_for(det.entity_type, text[det.start:det.end])
        pieces.append(token)
        spans.append(Span(det.entity_type, out_len, out_len + len(token), round(det.score, 4),
                          det.detector, token))
        out_len += len(token)
        cursor = det.end
    pieces.append(text[cursor:])
    return Redacted("".join(pieces), tuple(spans))
