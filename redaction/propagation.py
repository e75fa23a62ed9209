"""Document-level propagation: a value detected once is redacted everywhere in the same document.

Detectors see one element at a time and miss a name in a table cell that they caught in prose;
the surname alone ("Ms. Whitfield") is the same person too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from redaction.spans import Detection

DETECTOR = "DocumentPropagation"
_MIN_PART = 3


def _values(texts: Sequence[str], detections: Sequence[Sequence[Detection]]) -> dict[str, Detection]:
    found: dict[str, Detection] = {}
    for text, dets in zip(texts, detections):
        for det in dets:
            value = text[det.start:det.end].strip()
            found.setdefault(value, det)
            if det.entity_type == "PERSON":
                for part in value.replace(".", " ").split():
                    if len(part) >= _MIN_PART and part[0].isupper():
                        found.setdefault(part, det)
    return {v: d for v, d in found.items() if len(v) >= _MIN_PART}


def propagate(texts: Sequence[str], detections: Sequence[Sequence[Detection]]) -> list[list[Detection]]:
    """Every occurrence (whole word, same case) of a detected value becomes a detection."""
    values = _values(texts, detections)
    out = [list(d) for d in detections]
    if not values:
        return out
    alternation = "|".join(re.escape(v) for v in sorted(values, key=len, reverse=True))
    pattern = re.compile(rf"(?<!\w)(?:{alternation})(?!\w)")
    for i, text in enumerate(texts):
        for match in pattern.finditer(text):
            source = values[match.group()]
            out[i].append(Detection(source.entity_type, match.start(), match.end(), source.score, DETECTOR))
    return out
