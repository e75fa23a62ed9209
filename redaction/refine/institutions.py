"""Public institutions named as institutions stay readable: "the Department of Labor", "the High
Court", "the Financial Ombudsman Service", "the European Court of Human Rights"; so do the titles of
laws and treaties ("the Data Protection Act").

NER tags them ORGANIZATION; they identify no one and a reader needs them (which court, which
regulator). A guess counts as an institution when it has an institutional head noun and every
other word is an everyday English word; a rare or local word ("Kessenich Regional Labour Court",
"Velmora Revenue Office") or a place found inside it ("the Chicago Police Department") says where
the person is, so that guess stays redacted; a country or its adjective does not ("the Danish
Government", "the Czech Ministry of Finance"), and a state named formally ("the Republic of Chile")
stays readable too: a state-wide body or the state itself locates no one — nor does a nation's
adjective or name before one of its organs ("the Danish naval authorities", "under Danish law").
A person's nationality ("an Danish national") is about that person and stays redacted.

A name guess made of an institution's words ("Velmora State Security Court" from the rare-word
list) names a body, not a person: it stays redacted as an organisation, so its last word is never
taken for a surname and masked across the document ("the Court").
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import replace
from functools import cache

from core.vocabulary.names import given_names, surnames
from core.vocabulary.places import is_place_word
from redaction.lexicons import COUNTRY_DEMONYMS, country_names
from redaction.spans import Detection
from redaction.words import zipf

# "cassation": the court of last resort of civil-law states (France, Italy, Belgium, ...).
INSTITUTION_HEADS = frozenset("""
    court courts tribunal tribunals department ministry office agency authority commission service services
    institute council parliament government police registry ombudsman board bureau directorate inspectorate
    assembly senate congress cabinet treasury revenue customs embassy consulate prosecutor prosecution
    chamber procurator cassation section division committee municipality municipalities
    minister governor inspector
    """.split())
# The titles of laws and treaties name public texts, not people: "the Data Protection Act", "the
# Civil Code", "the Maritime Boundary Treaty".
LEGISLATION_HEADS = frozenset("act treaty convention code law regulation regulations decree constitution ordinance statute".split())
_HEADS = INSTITUTION_HEADS | LEGISLATION_HEADS
_FUNCTION_WORDS = frozenset("the of for and on in & de".split())
EVERYDAY_ZIPF = 4.0
_GUESSED = frozenset({"ORGANIZATION", "LOCATION", "NRP"})
# A state's organs: the nation named before one of them is the state acting, not a person's origin.
STATE_ORGANS = frozenset("""
    government authorities army military troops forces police gendarmerie courts law laws legislation
    parliament state constitution embassy consulate navy occupation administration
    """.split())
_WORD = re.compile(r"[^\W\d_]+")


def keep_institutions(texts: Sequence[str], detections: Sequence[Sequence[Detection]]) -> list[list[Detection]]:
    out = []
    for text, dets in zip(texts, detections):
        relabelled = [_as_body(text, d) for d in dets]
        named_bodies = {id(new) for new, old in zip(relabelled, dets) if new is not old}  # stay masked
        dets = relabelled
        national = [d for d in dets if d.entity_type in _GUESSED and _is_national(text[d.start:d.end])]
        national_words = {w.lower() for d in national for w in _WORD.findall(text[d.start:d.end])}
        places = [d for d in dets if d.entity_type == "LOCATION" and d not in national]
        kept_spans = []
        for d in dets:
            start, end = d.start, _body_end(text, d)
            inner_places = [p for p in places if start <= p.start and p.end <= end and (p.start, p.end) != (start, end)
                            and not (p is d and _is_word_not_place(text[d.start:d.end]))]
            if id(d) not in named_bodies and _is_institution(text[start:end], d, national_words) and not inner_places:
                kept_spans.append((start, end))
        states = _state_spans(text, national)
        out.append([d for d in dets if id(d) in named_bodies or not _inside(text, d, kept_spans, states)])
    return out


def _is_word_not_place(value: str) -> bool:
    """"Provincial" of "the Provincial Governor": everyday words and no place's name."""
    words = _WORD.findall(value)
    return bool(words) and all(zipf(w.lower()) >= EVERYDAY_ZIPF and not is_place_word(w) for w in words)


def _inside(text: str, detection: Detection, bodies: Sequence[tuple[int, int]], states: Sequence[tuple[int, int]]) -> bool:
    """Whether a guess is part of a kept body or state: a name guess only where it is the state's
    name or a body's head word ("Cassation"), never a name a body carries ("the Hale Foundation")."""
    if detection.entity_type not in _GUESSED and detection.entity_type != "PERSON":
        return False
    within = lambda spans: any(s <= detection.start and detection.end <= e for s, e in spans)  # noqa: E731
    if detection.entity_type == "PERSON":
        words = [w.lower() for w in _WORD.findall(text[detection.start:detection.end])]
        return within(states) or (within(bodies) and all(w in _HEADS for w in words))
    return within(bodies) or within(states)


def _body_end(text: str, detection: Detection) -> int:
    """Where the body a guess begins ends: NER often tags "Provincial" of "the Provincial Governor"."""
    following = _CAPITALISED_AFTER.match(text, detection.end)
    if following:
        words = list(_WORD.finditer(following.group()))
        heads = [w for w in words if w.group().lower() in INSTITUTION_HEADS]
        if heads:
            return detection.end + heads[-1].end()
    return detection.end


def _as_body(text: str, detection: Detection) -> Detection:
    """A name guess of two or more words ending in an institution's head, with no given name before
    it, is an organisation ("Velmora State Security Court"; not "Helen Court"). It stays masked."""
    words = _WORD.findall(text[detection.start:detection.end])
    if (detection.entity_type == "PERSON" and len(words) > 1 and words[-1].lower() in INSTITUTION_HEADS
            and not any(w.lower() in given_names() for w in words[:-1])):
        return replace(detection, entity_type="ORGANIZATION")
    return detection


def _state_spans(text: str, national: Sequence[Detection]) -> list[tuple[int, int]]:
    """The state itself: named formally ("the Republic of Chile", "the Republic of" before the guess,
    and what "and" adds to it), or before one of its organs ("the Danish naval authorities")."""
    spans: list[tuple[int, int]] = []
    for d in sorted(national, key=lambda d: d.start):
        formal = _FORMAL_STATE.match(text, d.start, d.end) or _FORMAL_BEFORE.search(text[max(0, d.start - 60):d.start])
        joined = spans and _AND.fullmatch(text, spans[-1][1], d.start)
        if formal or joined or _is_state_acting(text, d):
            spans.append((d.start, d.end))
    return spans

# A state by its formal name: "the Republic of Chile", "the Kingdom of the Netherlands"
_FORMAL_STATE = re.compile(r"(?i)(?:the[ \t]+)?(?:(?:federal|socialist|democratic|united|islamic|people's)[ \t]+)*"
                           r"(?:republic|kingdom|federation|principality|confederation|grand[ \t]+duchy)[ \t]+of[ \t]+")


_FORMAL_BEFORE = re.compile(_FORMAL_STATE.pattern + r"\Z")
_CAPITALISED_AFTER = re.compile(r"(?:[ \t]+[A-Z][^\W\d_]+){1,3}")
_AND = re.compile(r"[ \t]+and[ \t]+")
_STATE_ORGAN_AFTER = re.compile(r"(?i)(?:[ \t]+[a-z]+)?[ \t]+(?P<organ>" + "|".join(sorted(STATE_ORGANS)) + r")\b")


def _is_state_acting(text: str, detection: Detection) -> bool:
    """"the Danish naval authorities", "under Danish law": the state's organ, not a person
    ("an Danish police officer", "the Danish police officers" stay masked)."""
    organ = _STATE_ORGAN_AFTER.match(text, detection.end)
    if not organ or _PERSON_AFTER.match(text, organ.end()):
        return False
    return organ.group("organ").lower() in ("law", "laws", "legislation") or bool(
        _THE_BEFORE.search(text, max(0, detection.start - 5), detection.start))


_PERSON_AFTER = re.compile(r"(?i)[ \t]+(?:officers?|officials?|employees?|agents?|soldiers?|members?|men|women|"
                           r"officer's|staff|personnel|sergeants?|commanders?|judges?)\b")
_THE_BEFORE = re.compile(r"(?i)\bthe[ \t]+\Z")


def _is_national(value: str) -> bool:
    """A country, by name or formal name, or its people's adjective: a state-wide body or the state
    itself locates no one ("the Danish Government", "the Republic of Chile")."""
    name = _FORMAL_STATE.sub("", value.strip(), count=1)
    name = re.sub(r"(?i)^the[ \t]+", "", name).lower()
    return name in _nations()


@cache
def _nations() -> frozenset[str]:
    # The United Kingdom's four countries: each a state-wide jurisdiction, as "the Republic of" names one.
    home_nations = {"great britain", "england", "scotland", "wales", "northern ireland"}
    return frozenset(country_names() | {d.lower() for d in COUNTRY_DEMONYMS} | home_nations)


def _is_institution(value: str, detection: Detection, national_words: Collection[str] = ()) -> bool:
    if detection.entity_type not in ("ORGANIZATION", "LOCATION"):
        return False
    words = [w.lower() for w in _WORD.findall(value)]
    if not any(w in _HEADS for w in words):
        return False
    law = any(w in LEGISLATION_HEADS for w in words)
    return all(w in _FUNCTION_WORDS or w in _HEADS or w in national_words or _is_everyday(w, law) for w in words)


def _is_everyday(word: str, in_a_law: bool = False) -> bool:
    """An everyday English word; in a law's title also the plural of one ("Fundamental Freedoms",
    "the Dental Practices Act"), which a company's name may not borrow ("Silver Ladders")."""
    if zipf(word) >= EVERYDAY_ZIPF:
        return True
    if not in_a_law or word in surnames() or word in given_names():  # "Brannigan Law" is a firm
        return False
    singular = word[:-3] + "y" if word.endswith("ies") else word[:-1] if word.endswith("s") else word
    return zipf(singular) >= EVERYDAY_ZIPF
