"""Public institutions named as institutions stay readable: "the Department of Labor", "the High
Court", "the Financial Ombudsman Service", "the European Court of Human Rights"; so do the titles of
laws and treaties ("the Prevention of Terrorism Act").

NER tags them ORGANIZATION; they identify no one and a reader needs them (which court, which
regulator). A guess counts as an institution when it has an institutional head noun and every
other word is an everyday English word; a rare or local word ("Kessenich Regional Labour Court",
"Velmora Revenue Office") or a place found inside it ("the Chicago Police Department") says where
the person is, so that guess stays redacted.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from redaction.spans import Detection
from redaction.words import zipf

INSTITUTION_HEADS = frozenset("""
    court courts tribunal tribunals department ministry office agency authority commission service services
    institute council parliament government police registry ombudsman board bureau directorate inspectorate
    assembly senate congress cabinet treasury revenue customs embassy consulate prosecutor prosecution
    """.split())
# The titles of laws and treaties name public texts, not people: "the Prevention of Terrorism Act",
# "the Social Security Code", "the German Unification Treaty".
LEGISLATION_HEADS = frozenset("act treaty convention code law regulation regulations decree constitution ordinance statute".split())
_HEADS = INSTITUTION_HEADS | LEGISLATION_HEADS
_FUNCTION_WORDS = frozenset("the of for and on in & de".split())
EVERYDAY_ZIPF = 4.0
_GUESSED = frozenset({"ORGANIZATION", "LOCATION", "NRP"})
_WORD = re.compile(r"[^\W\d_]+")


def keep_institutions(texts: Sequence[str], detections: Sequence[Sequence[Detection]]) -> list[list[Detection]]:
    out = []
    for text, dets in zip(texts, detections):
        places = [(d.start, d.end) for d in dets if d.entity_type == "LOCATION"]
        kept_spans = [(d.start, d.end) for d in dets if _is_institution(text[d.start:d.end], d)
                      and not any(d.start <= s and e <= d.end and (s, e) != (d.start, d.end) for s, e in places)]
        out.append([d for d in dets if not (d.entity_type in _GUESSED and
                                            any(s <= d.start and d.end <= e for s, e in kept_spans))])
    return out


def _is_institution(value: str, detection: Detection) -> bool:
    if detection.entity_type not in ("ORGANIZATION", "LOCATION"):
        return False
    words = [w.lower() for w in _WORD.findall(value)]
    if not any(w in _HEADS for w in words):
        return False
    return all(w in _FUNCTION_WORDS or w in _HEADS or zipf(w) >= EVERYDAY_ZIPF for w in words)
