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
    """Union overlapping detections (a leak is a leak). The detection that covers most of the union
    names it (then the higher score): a street address wins over the city NER found inside it."""
    groups: list[list[Detection]] = []
    end = -1
    for det in sorted(detections, key=lambda d: (d.start, -d.end)):
        if groups and det.start < end:
            groups[-1].append(det)
            end = max(end, det.end)
        else:
            groups.append([det])
            end = det.end
    return [_union(group) for group in groups]


def _union(group: list[Detection]) -> Detection:
    best = max(group, key=lambda d: (d.end - d.start, d.score))
    return Detection(best.entity_type, group[0].start, max(d.end for d in group), best.score, best.detector)


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
