"""Clinical abbreviations in clinical text are terms, not names.

In a note that writes clinical shorthand ("ABG", "CXR", "NPO"), NER reads "GI", "CT", "SOB" or "ICU
NPN" as organisations, places or people, and propagation then masks every use: for each letter of
personal data three harmless ones went. A guess (NER and the other proper-noun guesses, never a
label, cue or checksum; not right after an honorific, nor where a patient goes or comes from:
"admitted to VMC ED") made only of clinical abbreviations (`core.vocabulary.clinical`, less US state
codes, which are places) is dropped throughout such a document, and so is one that names a drug
(`core.vocabulary.drugs`) with nothing beside it but abbreviations, numbers and ordinary words
("IV metoprolol", "Started warfarin and amoxicillin"), or an organisation guess ("Right Lower Lobe",
"Resp Status") that names no place nor kind of facility and follows no preposition ("at Fenwold
Abbey"). So is an organisation or NRP guess in a heading's
place (a line of its own, or before a colon) made of those and ordinary words no census list has as
a name: a note's title or a section heading ("ICU Nursing Progress Note", "Cardiac:"). In such a
document a rare or lower-case word is no evidence of a name (jargon, misspellings, "art line"), and
a form of address stays readable: HIPAA's identifiers do not include a title, and the name after it is
masked on its own.
A document counts as clinical when it uses at least two distinct abbreviations that general English
hardly uses or drug names, so a letter naming "IBM", "HR" and "IT" is not one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from core.vocabulary.clinical import ABBREVIATION_TOKEN, is_clinical_abbreviation
from core.vocabulary.drugs import is_drug_name
from core.vocabulary.facilities import FACILITY_KIND, MOVED_TO
from core.vocabulary.places import is_place_word
from redaction.lexicons import US_ZIP_PREFIXES
from redaction.recognizers import GUESSING_DETECTORS
from redaction.name_evidence import is_probable_name
from redaction.refine.common_words import COMMON_ZIPF, FUNCTION_WORDS, PROPER_NOUN_TYPES, follows_honorific, ordinary_words
from redaction.spans import Detection
from redaction.words import zipf

MIN_CLINICAL_MARKS = 2
# Below this Zipf frequency in general English a lexicon entry is hardly anything but clinical shorthand
# (ABG 2.2, CXR 1.6, NPO 2.2, CCU 2.3; against IT 7.0, HR 4.2, IBM 3.9).
RARE_IN_GENERAL_ENGLISH = 3.0
# Guesses that read a note's shorthand as names: a word general English lacks is clinical jargon or a
# misspelling (a brand name, a word typed in a hurry), a lower-case pair a line or an order ("art line",
# "meds held").
# Names in notes are found by NER, the census lists and their cues (an honorific, "daughter").
_NOT_EVIDENCE_IN_NOTES = frozenset({"RareWordRecognizer", "LowercaseNameRecognizer"})
_HEADING_TYPES = frozenset({"ORGANIZATION", "NRP"})  # what NER calls a note's title or a section heading
_STATE_CODES = frozenset(US_ZIP_PREFIXES)
# "admitted to", "transferred from the", "followed at", "came in to": what follows is a place of care.
_PLACE_OF_CARE_BEFORE = re.compile(rf"(?i){MOVED_TO}$")
_AFTER_A_PREPOSITION = re.compile(r"(?i)\b(?:at|from|to|in|per|of|for|with|following)[ \t]+(?:the[ \t]+)?$")
_FACILITY_WORD = re.compile(rf"(?i)\b{FACILITY_KIND}\b")
_LINE_OPENING = re.compile(r"(?:^|\n)[ \t#*>-]*$")
_LINE_END_OR_COLON = re.compile(r"[ \t]*(?::|\r?\n|$)")


def drop_clinical_abbreviations(texts: Sequence[str],
                                detections: Sequence[Sequence[Detection]]) -> list[list[Detection]]:
    """texts and their detections belong to one document."""
    dropped = [[_is_term(text, d) for d in dets] for text, dets in zip(texts, detections)]
    if not any(map(any, dropped)) or not is_clinical(texts):
        return [list(d) for d in detections]
    return [[d for d, term in zip(dets, terms) if not term] for dets, terms in zip(detections, dropped)]


def is_clinical(texts: Sequence[str]) -> bool:
    distinct = {t.upper() for text in texts for t in ABBREVIATION_TOKEN.findall(text)
                if _distinctly_clinical(t) or is_drug_name(t)}
    return len(distinct) >= MIN_CLINICAL_MARKS


def _distinctly_clinical(word: str) -> bool:
    """A clinical abbreviation that general English hardly uses: its presence marks clinical text."""
    return len(word) >= 3 and is_clinical_abbreviation(word) and zipf(word) < RARE_IN_GENERAL_ENGLISH


def _is_term(text: str, detection: Detection) -> bool:
    """Only clinical abbreviations, or, in a heading's place, those and ordinary words."""
    if detection.detector == "HonorificRecognizer":
        return True
    if detection.detector not in GUESSING_DETECTORS or detection.entity_type not in PROPER_NOUN_TYPES:
        return False
    if follows_honorific(text, detection) or _names_a_place_of_care(text, detection):
        return False
    tokens = [t for t in ABBREVIATION_TOKEN.findall(text[detection.start:detection.end])
              if t.lower() not in FUNCTION_WORDS]
    if detection.detector in _NOT_EVIDENCE_IN_NOTES:
        return not any(is_probable_name(t) for t in tokens)  # "Marguerite Quennell-Bray" stays a name
    if not tokens or any(t.upper() in _STATE_CODES for t in tokens):
        return False
    if all(_abbreviation(t) for t in tokens):
        return True
    if _names_a_drug(tokens):
        return True
    if detection.entity_type == "ORGANIZATION" and _organisation_guess_is_shorthand(text, detection, tokens):
        return True
    # a frequent word may be a city or an employer ("works at Beacon"): only a heading is read as words
    return (detection.entity_type in _HEADING_TYPES and _in_a_headings_place(text, detection)
            and all(_abbreviation(t) or ordinary_words([t]) for t in tokens))


def _names_a_drug(tokens: list[str]) -> bool:
    """A drug with its route, dose or verb: "IV metoprolol", "Started warfarin and amoxicillin"."""
    return any(is_drug_name(t) for t in tokens) and all(
        is_drug_name(t) or _abbreviation(t) or t.isdigit() or _everyday_word(t) for t in tokens)


def _organisation_guess_is_shorthand(text: str, detection: Detection, tokens: list[str]) -> bool:
    """An organisation guess in a note is shorthand ("Resp Status", "Right Lower Lobe", "HR/BP"):
    NER trained on news reads a note's capitals as organisations, while the organisations a note
    names are places of care, found by their own recognizers. It stays masked where a place or an
    employer is named ("at Fenwold Abbey", "works at Beacon"), or when it names a kind of facility, a
    place or a probable name ("Fenwold Hospital", "Leeds consult", "Halvorsen called")."""
    if _AFTER_A_PREPOSITION.search(text, max(0, detection.start - 24), detection.start):
        return False
    if _FACILITY_WORD.search(text, detection.start, detection.end):
        return False
    return not any(is_place_word(t) or is_probable_name(t) for t in tokens)


def _abbreviation(token: str) -> bool:
    """A clinical abbreviation, or abbreviations and numbers joined ("HR/BP", "A&O", "IV-2")."""
    if is_clinical_abbreviation(token):
        return True
    parts = re.split(r"[/&-]", token)
    return len(parts) > 1 and all(p.isdigit() or is_clinical_abbreviation(p) for p in parts)


def _everyday_word(word: str) -> bool:
    """Frequent in English and more often a word than a name ("Young" is a census surname too)."""
    return zipf(word) >= COMMON_ZIPF and not is_probable_name(word)


def _names_a_place_of_care(text: str, detection: Detection) -> bool:
    return _PLACE_OF_CARE_BEFORE.search(text, max(0, detection.start - 40), detection.start) is not None


def _in_a_headings_place(text: str, detection: Detection) -> bool:
    """Before a colon, or alone on its line."""
    after = _LINE_END_OR_COLON.match(text, detection.end)
    if after and after.group().strip() == ":":
        return True
    return after is not None and _LINE_OPENING.search(text, max(0, detection.start - 80), detection.start) is not None
