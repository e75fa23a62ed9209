"""Transformation: splice each merged detection's replacement into the text (spans point into the result)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from core.types import Redacted, Span
from redaction.spans import Detection, merge_overlaps
from redaction.transform.operators import ReplacementPolicy
from redaction.transform.placeholders import PlaceholderBook

DEFAULT_POLICY = ReplacementPolicy()


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
