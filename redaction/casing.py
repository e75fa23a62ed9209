"""Case normalisation: text written all in capitals (or all in lower case) is analysed as a
re-cased copy of the same length, so every detection's offsets hold for the original.

Recognizers and the NER model read capitals as proper-noun evidence: on an upper-case ICU note
spaCy calls most words a PERSON or ORGANIZATION, and in a lower-case chat it finds no name at all.
Each line that is (nearly) all one case is re-cased word by word from lexicons: a census given
name or surname that English rarely uses as a word, any word after an honorific, and an unknown
word beside such a name become Capitalised; every other word becomes lower case. Tokens with
digits keep their case (codes, plates), so do short lines unless the whole document is one case.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from core.vocabulary.honorifics import name_titles
from core.vocabulary.patterns import alternation
from redaction.lexicons import CLINICAL_EPONYMS
from redaction.name_evidence import is_probable_name
from redaction.words import LOWER, UPPER, fold, is_term, zipf

_WORD = re.compile(rf"[{UPPER}{LOWER}][{UPPER}{LOWER}'’-]*+")
_TOKEN = re.compile(r"\S++")
_HONORIFIC = re.compile(rf"(?i){alternation(name_titles())}\.?$")
MIN_LETTERS = 12          # a line shorter than this is a heading or a label: its case says little
ONE_CASE_SHARE = 0.9      # share of cased letters in the dominant case for a line to count as one-case
MIN_NAME_LETTERS = 4      # "MAE", "ASA", "BUN": in capitals, three letters are an abbreviation first


def normalise_case(text: str, whole_document: bool | None = None) -> str:
    """The text with its one-case lines re-cased; same length, same offsets."""
    if whole_document is None:
        whole_document = _one_case(text, min_letters=1) is not None
    return "".join(_recase_line(line) if _one_case(line, 1 if whole_document else MIN_LETTERS) else line
                   for line in text.splitlines(keepends=True))


def normalise_document(texts: Sequence[str]) -> list[str]:
    """A document whose texts are all one case is re-cased throughout, short lines included."""
    whole = _one_case("".join(texts), min_letters=1) is not None
    return [normalise_case(t, whole) for t in texts]


_PRONOUN_I = re.compile(r"(?<![\w'’])I(?=$|[\s'’.,!?;:])")


def _one_case(text: str, min_letters: int = MIN_LETTERS) -> str | None:
    """"upper", "lower" (a capital only in the pronoun "I" still counts) or None for mixed case."""
    upper = sum(c.isupper() for c in text)
    lower = sum(c.islower() for c in text)
    if upper + lower < min_letters:
        return None
    if upper >= ONE_CASE_SHARE * (upper + lower):
        return "upper"
    return "lower" if upper == len(_PRONOUN_I.findall(text)) else None


def _recase_line(line: str) -> str:
    """Words of tokens without digits are re-cased; one pass over the line's tokens."""
    words = [(m.start(), m.end(), m.group()) for token in _TOKEN.finditer(line)
             if not any(c.isdigit() for c in token.group())
             for m in _WORD.finditer(line, token.start(), token.end())]
    if not words:
        return line
    names = [_is_name(w) for _, _, w in words]
    out = list(line)
    for i, (start, end, word) in enumerate(words):
        after_honorific = i > 0 and _HONORIFIC.match(words[i - 1][2]) is not None
        beside_name = zipf(word) == 0 and not is_term(word) and (
            (i > 0 and names[i - 1]) or (i + 1 < len(words) and names[i + 1]))
        capital = names[i] or after_honorific or beside_name or _HONORIFIC.match(word) is not None
        recased = word[0].upper() + word[1:].lower() if capital else word.lower()
        if len(recased) == len(word):  # a few letters change length when re-cased ("ß"): leave them
            out[start:end] = recased
    return "".join(out)


def _is_name(word: str) -> bool:
    return (len(word) >= MIN_NAME_LETTERS and fold(word) not in CLINICAL_EPONYMS and not is_term(word)
            and is_probable_name(word, worldwide=False))
