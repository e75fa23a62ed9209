"""Proper nouns told by their rarity: "Halvorsen began writing", "her Quillmark resignation letter".

A capitalised word that English hardly uses is a name, a company or a place whatever the context;
so is a word with letters English does not spell with (ð, ł, ć) or in another script (Greek,
Cyrillic). A run of capitalised words around such a word is taken whole ("Dragoslav Vujković").
"""

from __future__ import annotations

import re

from presidio_analyzer import RecognizerResult

from core.vocabulary.names import given_names, role_words, surnames
from redaction.recognizers.base import VeilRecognizer, result
from redaction.words import LOWER, RARE_ZIPF, UNKNOWN_ZIPF, UPPER, has_foreign_letters, is_term, zipf

_WORD = rf"(?:[{UPPER}][{LOWER}]+(?:[-'’][{UPPER}]?[{LOWER}]+)*|[{UPPER}]{{2,}}(?:-[{UPPER}]{{2,}})*|[\u0370-\u03ff\u0400-\u04ff]{{3,}})"
_INITIAL = rf"[{UPPER}]\.?"
_RUN = re.compile(rf"(?<![\w'’@./-])(?:{_WORD})(?:[ \t]+(?:(?:{_INITIAL}|van|von|de|der|da|di|del|la|le)[ \t]+)?(?:{_WORD}))*(?![\w'’@-])")
_TOKEN = re.compile(_WORD)
_SENTENCE_END = re.compile(r"(?:^|[.!?:;\"“”(\[{>*#|•-]|\n)[ \t]*$")
_LOCATIVE = re.compile(r"(?i)\b(?:in|from|near|at|to|visit(?:ing|ed)?)[ \t]+$")
_COMMON_ZIPF = 4.0     # a capitalised word this common at the edge of a run is not part of the name


class RareWordRecognizer(VeilRecognizer):
    """Runs of capitalised words of which one is rare in English or spelt with foreign letters."""

    def __init__(self) -> None:
        super().__init__(["PERSON", "LOCATION"])

    def analyze(self, text, entities, nlp_artifacts=None):
        results = []
        for run in _RUN.finditer(text):
            tokens = list(_TOKEN.finditer(run.group()))
            starts_sentence = bool(_SENTENCE_END.search(text[max(0, run.start() - 3):run.start()]))
            if not any(_is_proper(t.group(), starts_sentence and i == 0) for i, t in enumerate(tokens)):
                continue
            start, end = _trim(run, tokens)
            if start < end:
                results.append(self._result(text, start, end))
        return results

    def _result(self, text: str, start: int, end: int) -> RecognizerResult:
        entity = "LOCATION" if _LOCATIVE.search(text[max(0, start - 12):start]) else "PERSON"
        return result(self, entity, start, end, 0.4)


def _is_proper(word: str, sentence_start: bool) -> bool:
    if len(word) < 3 or is_term(word):
        return False
    if word.isupper() and len(word) < 5:
        return False  # acronyms
    if has_foreign_letters(word) or not word.isascii():
        return zipf(word) < RARE_ZIPF
    return zipf(word) < (UNKNOWN_ZIPF if sentence_start else RARE_ZIPF)


def _trim(run: re.Match, tokens: list[re.Match]) -> tuple[int, int]:
    """Drop common words at the run's edges ("The Zentrix", "Thanks Ostergaard"), and a role or a
    relative before the name ("Patient Nguyễn", a relative's title): census surnames as they may be."""
    keep = list(tokens)
    while keep and (_is_common(keep[0].group()) or keep[0].group().lower() in role_words()):
        keep.pop(0)
    while keep and _is_common(keep[-1].group()):
        keep.pop()
    if not keep:
        return 0, 0
    return run.start() + keep[0].start(), run.start() + keep[-1].end()


def _is_common(word: str) -> bool:
    folded = word.lower()
    return zipf(word) >= _COMMON_ZIPF and folded not in given_names() and folded not in surnames()
