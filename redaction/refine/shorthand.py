"""Shorthand documents: in text dense with abbreviations (nursing notes, shift logs, tickets) a
lone capitalised or upper-case word is an abbreviation or a drug far more often than a name.

NER and the proper-noun recognizers guess from capitals; in such a document their one-word guesses
("GI", "ABG", "Levo", "Lasix") are kept only with lexicon evidence of a name (`is_probable_name`).
Guesses of two words or more, a guess right after an honorific, and everything a label, a cue or a
checksum found, stay.
A document counts as shorthand when many of its words are upper-case abbreviations.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from redaction.name_evidence import is_probable_name
from redaction.recognizers import GUESSING_DETECTORS
from redaction.refine.common_words import follows_honorific
from redaction.spans import Detection

SHORTHAND_SHARE = 0.06     # share of words that are abbreviations (plain prose: under 2%)
MIN_ABBREVIATIONS = 4      # distinct ones, so one heading of capitals does not make a note shorthand
_GUESSED = frozenset({"PERSON", "ORGANIZATION", "LOCATION", "NRP"})
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_ABBREVIATION = re.compile(r"[A-Z][A-Z0-9]{1,5}s?")


def is_shorthand(texts: Sequence[str]) -> bool:
    words = [w for text in texts for w in _WORD.findall(text)]
    abbreviations = {w for w in words if _ABBREVIATION.fullmatch(w)}
    if len(abbreviations) < MIN_ABBREVIATIONS or not words:
        return False
    if sum(1 for w in words if w.isupper()) > 0.9 * len(words):
        return False  # all capitals: the re-cased copy decides, not the original's capitals
    return sum(1 for w in words if w in abbreviations) >= SHORTHAND_SHARE * len(words)


def drop_shorthand_guesses(texts: Sequence[str], detections: Sequence[Sequence[Detection]]) -> list[list[Detection]]:
    """texts and their detections belong to one document."""
    if not is_shorthand(texts):
        return [list(d) for d in detections]
    return [[d for d in dets if follows_honorific(text, d) or not _lone_guess(text[d.start:d.end], d)]
            for text, dets in zip(texts, detections)]


def _lone_guess(value: str, detection: Detection) -> bool:
    if detection.detector not in GUESSING_DETECTORS or detection.entity_type not in _GUESSED:
        return False
    words = _WORD.findall(value)
    return len(words) <= 1 and not (words and len(words[0]) >= 4 and not words[0].isupper()
                                    and is_probable_name(words[0], worldwide=False))
