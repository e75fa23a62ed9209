"""Clinical abbreviations in clinical text are terms, not names.

In a note that writes clinical shorthand ("ABG", "CXR", "NPO"), NER reads "GI", "CT", "SOB" or "ICU
NPN" as organisations, places or people, and propagation then masks every use: for each letter of
personal data three harmless ones went. A guess (NER and the other proper-noun guesses, never a
label, cue or checksum; not right after an honorific, nor where a patient goes or comes from:
"admitted to BMC ED", "transferred from OSH") made only of clinical abbreviations
(`core.vocabulary.clinical`, less US state codes, which are places) is dropped throughout such a
document; so is an organisation or NRP guess made of those and ordinary words no census list has as a
name: a note's title or a section heading ("ICU Nursing Progress Note", "Cardiac:"). A document counts as clinical when it uses at least two distinct abbreviations that general
English hardly uses, so a letter naming "IBM", "HR" and "IT" is not one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from core.vocabulary.clinical import is_clinical_abbreviation, is_distinctly_clinical
from redaction.lexicons import US_ZIP_PREFIXES
from redaction.recognizers import GUESSING_DETECTORS
from redaction.refine.common_words import follows_honorific, ordinary_words
from redaction.spans import Detection

MIN_CLINICAL_ABBREVIATIONS = 2
_HEADING_TYPES = frozenset({"ORGANIZATION", "NRP"})  # what NER calls a note's title or a section heading
_FUNCTION_WORDS = frozenset("of the and for in on to a an".split())
_GUESSED = frozenset({"PERSON", "ORGANIZATION", "LOCATION", "NRP"})
_TOKEN = re.compile(r"[A-Za-z0-9]+(?:[/&-][A-Za-z0-9]+)*")
_STATE_CODES = frozenset(US_ZIP_PREFIXES)
# "admitted to", "transferred from the", "followed at", "came in to": what follows is a place of care.
_PLACE_OF_CARE_BEFORE = re.compile(
    r"(?i)\b(?:admit(?:ted)?|transfer(?:red)?|came|come|sent|went|taken|arrived|referred|followed|seen|"
    r"discharged|brought|returned|presented|readmitted|moved)(?:[ \t]+(?:in|back|over|up))?"
    r"[ \t]+(?:to|from|at|in)[ \t]+(?:the[ \t]+)?$")


def drop_clinical_abbreviations(texts: Sequence[str],
                                detections: Sequence[Sequence[Detection]]) -> list[list[Detection]]:
    """texts and their detections belong to one document."""
    if not is_clinical(texts):
        return [list(d) for d in detections]
    return [[d for d in dets if follows_honorific(text, d) or _names_a_place_of_care(text, d)
             or not _abbreviation_guess(text[d.start:d.end], d)]
            for text, dets in zip(texts, detections)]


def is_clinical(texts: Sequence[str]) -> bool:
    distinct = {t.upper() for text in texts for t in _TOKEN.findall(text) if is_distinctly_clinical(t)}
    return len(distinct) >= MIN_CLINICAL_ABBREVIATIONS


def _abbreviation_guess(value: str, detection: Detection) -> bool:
    """Only clinical abbreviations, or (a note's title or heading: "ICU Nursing Progress Note", "Cardiac")
    clinical abbreviations and ordinary words that no census list has as a name."""
    if detection.detector not in GUESSING_DETECTORS or detection.entity_type not in _GUESSED:
        return False
    tokens = [t for t in _TOKEN.findall(value) if t.lower() not in _FUNCTION_WORDS]
    if not tokens or any(t.upper() in _STATE_CODES for t in tokens):
        return False
    if all(is_clinical_abbreviation(t) for t in tokens):
        return True
    if detection.entity_type not in _HEADING_TYPES:
        return False  # a frequent word may be a city ("phoned from Denver"): places need the lexicon
    return all(is_clinical_abbreviation(t) or ordinary_words([t]) for t in tokens)


def _names_a_place_of_care(text: str, detection: Detection) -> bool:
    return _PLACE_OF_CARE_BEFORE.search(text, max(0, detection.start - 40), detection.start) is not None
