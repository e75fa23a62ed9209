"""Public institutions named as institutions stay readable: "the Department of Labor", "the High
Court", "the Financial Ombudsman Service", "the European Court of Human Rights"; so do the titles of
laws and treaties ("the Data Protection Act").

NER tags them ORGANIZATION; they identify no one and a reader needs them (which court, which
regulator). A guess counts as an institution when it has an institutional head noun and every
other word is an everyday English word; a rare or local word ("Kessenich Regional Labour Court",
"Velmora Revenue Office") or a place found inside it ("the Chicago Police Department") says where
the person is, so that guess stays redacted; a country or its adjective does not ("the Danish
Government", "the Czech Ministry of Finance"), and a state named formally ("the Republic of Chile")
stays readable too: a state-wide body or the state itself locates no one.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from functools import cache

from redaction.lexicons import DEMONYMS, country_names
from redaction.spans import Detection
from redaction.words import zipf

# "cassation": the court of last resort of civil-law states (France, Italy, Belgium, ...).
INSTITUTION_HEADS = frozenset("""
    court courts tribunal tribunals department ministry office agency authority commission service services
    institute council parliament government police registry ombudsman board bureau directorate inspectorate
    assembly senate congress cabinet treasury revenue customs embassy consulate prosecutor prosecution
    chamber procurator cassation
    """.split())
# The titles of laws and treaties name public texts, not people: "the Data Protection Act", "the
# Civil Code", "the Maritime Boundary Treaty".
LEGISLATION_HEADS = frozenset("act treaty convention code law regulation regulations decree constitution ordinance statute".split())
_HEADS = INSTITUTION_HEADS | LEGISLATION_HEADS
_FUNCTION_WORDS = frozenset("the of for and on in & de".split())
EVERYDAY_ZIPF = 4.0
_GUESSED = frozenset({"ORGANIZATION", "LOCATION", "NRP"})
_WORD = re.compile(r"[^\W\d_]+")


def keep_institutions(texts: Sequence[str], detections: Sequence[Sequence[Detection]]) -> list[list[Detection]]:
    out = []
    for text, dets in zip(texts, detections):
        national = [d for d in dets if d.entity_type in _GUESSED and _is_national(text[d.start:d.end])]
        national_words = {w.lower() for d in national for w in _WORD.findall(text[d.start:d.end])}
        places = [(d.start, d.end) for d in dets if d.entity_type == "LOCATION" and d not in national]
        kept_spans = [(d.start, d.end) for d in dets if _is_institution(text[d.start:d.end], d, national_words)
                      and not any(d.start <= s and e <= d.end and (s, e) != (d.start, d.end) for s, e in places)]
        kept_spans += [(d.start, d.end) for d in national if _FORMAL_STATE.match(text, d.start, d.end)]
        out.append([d for d in dets if not (d.entity_type in _GUESSED and
                                            any(s <= d.start and d.end <= e for s, e in kept_spans))])
    return out


# A state by its formal name: "the Republic of Chile", "the Kingdom of the Netherlands"
_FORMAL_STATE = re.compile(r"(?i)(?:the[ \t]+)?(?:(?:federal|socialist|democratic|united|islamic|people's)[ \t]+)*"
                           r"(?:republic|kingdom|federation|principality|confederation|grand[ \t]+duchy)[ \t]+of[ \t]+")


def _is_national(value: str) -> bool:
    """A country, by name or formal name, or its people's adjective: a state-wide body or the state
    itself locates no one ("the Danish Government", "the Republic of Chile")."""
    name = _FORMAL_STATE.sub("", value.strip(), count=1)
    name = re.sub(r"(?i)^the[ \t]+", "", name).lower()
    return name in _nations()


@cache
def _nations() -> frozenset[str]:
    return frozenset(country_names() | {d.lower() for d in DEMONYMS} | {"great britain"})


def _is_institution(value: str, detection: Detection, national_words: Collection[str] = ()) -> bool:
    if detection.entity_type not in ("ORGANIZATION", "LOCATION"):
        return False
    words = [w.lower() for w in _WORD.findall(value)]
    if not any(w in _HEADS for w in words):
        return False
    return all(w in _FUNCTION_WORDS or w in _HEADS or w in national_words or zipf(w) >= EVERYDAY_ZIPF
               for w in words)
