"""Document-level propagation: a value detected once is redacted everywhere in the same document.

Detectors see one element at a time and miss a name in a table cell that they caught in prose;
the surname alone (after an honorific) is the same person too, and so is the name an e-mail address
spells out ("jane.doe@corp.local" names Jane Doe wherever the document mentions her), and so is the
nickname given in brackets after the name ("Helen Ellery (Nell)"): a given name there is what
the person is called, while "(Retired)", "(Claimant)" or "(CEO)" is not.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from core.vocabulary.names import given_names, surnames
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
                    if len(part) >= _MIN_PART and (part[0].isupper() or value.islower()):
                        found.setdefault(part, det)  # lower-case text ("tomas.k") names in lower case
                nickname = _nickname_after(text, det.end)
                if nickname:
                    found.setdefault(nickname, det)
            elif det.entity_type == "EMAIL_ADDRESS":
                for name in _names_in_address(value):
                    found.setdefault(name, Detection("PERSON", det.start, det.end, det.score, DETECTOR))
    return {v: d for v, d in found.items() if len(v) >= _MIN_PART}


_BRACKETED = re.compile(r"[ \t]*\([ \t]*[\"“']?([A-Z][a-z]+)[\"”']?[ \t]*\)")


def _nickname_after(text: str, end: int) -> str | None:
    """The one capitalised word in brackets right after a name, if it is a given name ("(Nell)");
    a role or an abbreviation ("(Claimant)", "(Hons)", "(Ret)") is not."""
    match = _BRACKETED.match(text, end)
    return match.group(1) if match and match.group(1).lower() in given_names() else None


def _names_in_address(address: str) -> list[str]:
    """"jane.doe@..." -> ["Jane Doe", "Doe"]: a local part of two or three name words, one of them
    a census given name or surname (so "info.desk@" and "no-reply@" name no one)."""
    parts = [p for p in re.split(r"[._-]", address.split("@")[0]) if p]
    if not 2 <= len(parts) <= 3 or not all(p.isalpha() and len(p) >= 2 for p in parts):
        return []
    if not any(p.lower() in given_names() or p.lower() in surnames() for p in parts):
        return []
    words = [p.capitalize() for p in parts]
    return [" ".join(words), words[-1]] + [" ".join(w.upper() for w in words)]


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
