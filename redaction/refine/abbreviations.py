"""Abbreviations a document defines from ordinary words are terms, not names.

Scientific and technical writing defines its abbreviations inline: "tumour necrosis factor (TNF)",
"human immunodeficiency virus (HIV)". NER reads the short forms as organisations, places or people
and redacts every later use, so the text loses its subject. A short form whose long form is made of
lower-case words names a thing, not a person; its guesses (NER and the other proper-noun guesses,
never a label, cue or checksum) are dropped throughout the document.

The long form is found with Schwartz and Hearst's algorithm ("A simple algorithm for identifying
abbreviation definitions in biomedical text", PSB 2003): walking both strings backwards, every letter
and digit of the short form must appear in order in the long form, the first one at the start of a word.
A long form written with capitals ("Jane Smith (JS)", "the High Court (HC)") defines nothing here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from redaction.recognizers import GUESSING_DETECTORS
from redaction.spans import Detection

_GUESSED = frozenset({"PERSON", "ORGANIZATION", "LOCATION", "NRP"})
# "(TNF)", "(IL-6)", "(mTOR)", "(HIV-1)": one token, at least two capitals, at most ten characters.
_DEFINITION = re.compile(r"\(\s*([A-Za-z0-9][\w-]{1,9}?)s?\s*[;,)]")
_CAPITALS = re.compile(r"[A-Z]")
_TOKEN = re.compile(r"[^\W_][\w-]*|\S")
_GUESS_WORD = re.compile(r"[^\W\d_][\w-]*")


def drop_defined_abbreviations(texts: Sequence[str],
                               detections: Sequence[Sequence[Detection]]) -> list[list[Detection]]:
    """texts and their detections belong to one document."""
    defined = {short for text in texts for short in defined_abbreviations(text)}
    if not defined:
        return [list(d) for d in detections]
    return [[d for d in dets if not _only_abbreviations(text[d.start:d.end], d, defined)]
            for text, dets in zip(texts, detections)]


def defined_abbreviations(text: str) -> set[str]:
    """Short forms that `text` defines with a lower-case long form just before the parenthesis."""
    found = set()
    for match in _DEFINITION.finditer(text):
        short = match.group(1)
        if len(_CAPITALS.findall(short)) < 2:
            continue
        before = text[max(0, match.start() - 200):match.start()]
        if _lower_case_long_form(short, before):
            found.add(short)
    return found


def _lower_case_long_form(short: str, before: str) -> bool:
    opens_sentence, clause = _clause(before)
    window = clause[-min(len(short) + 5, 2 * len(short)):]
    long_form = _best_long_form(short, window) if window else None
    if long_form is None:
        return False
    first, *rest = long_form
    capital_allowed = opens_sentence and len(long_form) == len(clause) and first[1:].islower()
    return not any(c.isupper() for w in rest for c in w) and (not any(c.isupper() for c in first)
                                                              or capital_allowed)


def _clause(before: str) -> tuple[bool, list[str]]:
    """The words of the clause that ends at the parenthesis, and whether that clause opens a sentence."""
    parts = re.split(r"([.;:!?()\[\]]\s)", before)
    opens_sentence = len(parts) == 1 or parts[-2][0] in ".!?"
    return opens_sentence, [w for w in _TOKEN.findall(parts[-1]) if w[0].isalnum()]


def _best_long_form(short: str, words: list[str]) -> list[str] | None:
    """Schwartz-Hearst: the shortest run of trailing words that spells out `short`."""
    chars = [c.lower() for c in short if c.isalnum()]
    text = " ".join(words).lower()
    s, t = len(chars) - 1, len(text) - 1
    while s >= 0:
        c = chars[s]
        while t >= 0 and (text[t] != c or (s == 0 and t > 0 and text[t - 1].isalnum())):
            t -= 1
        if t < 0:
            return None
        t -= 1
        s -= 1
    used = text[t + 1:].split(" ")
    if len(" ".join(used)) <= len(short):
        return None  # a long form is longer than its short form
    return words[len(words) - len(used):]


def _only_abbreviations(value: str, detection: Detection, defined: set[str]) -> bool:
    if detection.detector not in GUESSING_DETECTORS or detection.entity_type not in _GUESSED:
        return False
    capitalised = [w for w in _GUESS_WORD.findall(value) if not w.islower()]
    return bool(capitalised) and all(_defined_form(w, defined) for w in capitalised)


def _defined_form(word: str, defined: set[str]) -> bool:
    """"TNF", "TNFs", "TNF-alpha", "IL-6" of a document that defines TNF or IL-6."""
    stem = word[:-1] if word.endswith("s") and word[:-1] in defined else word
    return stem in defined or stem.split("-")[0] in defined
