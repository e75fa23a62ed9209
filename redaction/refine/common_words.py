"""Drop proper-noun guesses that the document itself shows to be ordinary words.

The NER model and the proper-noun recognizers take capitalised headings and sentence starts for
names ("Discharge", "The Company", "Loan Terms"). If every word of such a detection also occurs in
lower case elsewhere in the same document, the writer uses it as a common word: it is not a name.
Drug names and clinical terms ("Metoprolol") are dropped by their form, clinical eponyms alone
("Foley", "Swan") by a lexicon in clinical text — unless the name lists know the word as a name
("Stephen", and outside clinical text "Murphy"), NER's person guesses made only of common words that no census list
knows as a name ("Discharge Diagnoses") too, guesses with digits, and NER guesses written all in lower case: a proper
noun is capitalised, and in one-case text the re-casing (`redaction.casing`) capitalised the names.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from core.placeholders import PLACEHOLDER
from core.vocabulary.honorifics import HONORIFICS
from core.vocabulary.currencies import CURRENCY_CODES
from core.vocabulary.names import given_names, role_words, surnames
from core.vocabulary.patterns import trie_regex
from redaction.lexicons import CLINICAL_EPONYMS
from redaction.name_evidence import is_probable_name
from redaction.recognizers import GUESSING_DETECTORS
from redaction.spans import Detection
from redaction.words import LOWER, UPPER, is_term, zipf

PROPER_NOUN_TYPES = frozenset({"PERSON", "ORGANIZATION", "LOCATION", "NRP"})
FUNCTION_WORDS = frozenset({"the", "a", "an", "of", "and", "&", "for", "to", "in", "on", "at", "-"})
_DIGIT_IN_WORD = re.compile(r"[^\W\d_]\d|\d[^\W\d_]")
# Lower-case words of running text, not parts of e-mail addresses, URLs or file names.
_LOWER_WORD = re.compile(rf"(?<![\w@./:_-])[{LOWER}]+(?![\w@/_-]|\.\w)")
_WORD = re.compile(rf"[{UPPER}{LOWER}]+")
_ANY_LETTER = re.compile(r"[^\W\d_]")
COMMON_ZIPF = 3.0  # "discharge" 3.9, "diagnoses" 3.2; names that are words ("Baker") are in the census lists


def drop_common_words(texts: Sequence[str], detections: Sequence[Sequence[Detection]],
                      lowercase_evidence: Collection[str] = (), *, clinical: bool) -> list[list[Detection]]:
    """texts and their detections belong to one document; `lowercase_evidence`: more of its lower-case words;
    `clinical`: whether the document is clinical text, where eponyms ("Foley", "Murphy") name devices and signs."""
    lowercase = lowercase_words(texts) | set(lowercase_evidence)
    return [[d for d in dets if follows_honorific(text, d)
             or not _is_common_word(text[d.start:d.end], d, lowercase, clinical)]
            for text, dets in zip(texts, detections)]


_HONORIFIC_BEFORE = re.compile(rf"(?i)(?<![\w.])(?:{trie_regex(HONORIFICS)})\.?[ \t]+$")


def follows_honorific(text: str, detection: Detection) -> bool:
    """A person guess right after an honorific (a rare surname) is a name, whatever else the document
    writes in lower case: in a re-cased upper-case note the same surname may have been lower-cased
    where no cue stood beside it."""
    return detection.entity_type == "PERSON" and bool(
        _HONORIFIC_BEFORE.search(text, max(0, detection.start - 12), detection.start))


def lowercase_words(texts: Sequence[str]) -> set[str]:
    """The words `texts` write in lower case in running text: the evidence `drop_common_words` uses."""
    return {w for text in texts for w in _LOWER_WORD.findall(text)}


def common_words_shown(text: str, document_lowercase: set[str]) -> tuple[str, ...]:
    """Capitalised words of `text` (a chunk) that its document writes in lower case elsewhere, in lower
    case: the evidence the egress guard, reading the chunk alone, would otherwise lack ("Loan Terms"
    over a section whose body says "the loan"). Only words already visible in the text."""
    capitalised = {w.lower() for w in _WORD.findall(PLACEHOLDER.sub(" ", text)) if w[0].isupper()}
    return tuple(sorted((capitalised & document_lowercase) - lowercase_words([text])))


def _is_common_word(value: str, detection: Detection, lowercase: set[str], clinical: bool) -> bool:
    if detection.entity_type not in PROPER_NOUN_TYPES or detection.detector not in GUESSING_DETECTORS:
        return False
    if not _ANY_LETTER.search(value):
        return True  # "01/03/2024" as a PERSON: a name has letters, of any script (the date is the date recognizer's)
    words = [w for w in _WORD.findall(value) if w.lower() not in FUNCTION_WORDS]
    if not words:
        return False
    if all(_clinical_word(w, clinical) for w in words):
        return True
    if detection.detector == "SpacyRecognizer" and not any(w[0].isupper() for w in words):
        return True
    if _DIGIT_IN_WORD.search(value):
        return True  # "O2", "Q4H", "5MCG/KG/MIN": a name has no digits (a place may have a postcode after it)
    if all(w.lower() in CURRENCY_CODES for w in words):
        return True  # "fees of GBP": a currency, not a place
    if all(w.lower() in role_words() or w.lower() in HONORIFICS for w in words):
        return True  # "Patient", a kin word, "Monsieur": a role, a relative or a form of address, the name beside it
    if detection.entity_type == "PERSON" and _looks_like_full_name(words):
        return False  # "Will Rose" stays redacted even beside "will" and "rose"
    if detection.entity_type == "PERSON" and len(words) > 1 and words[0].lower() in HONORIFICS:
        return False  # an honorific and an initial or a surname: whatever follows an honorific is a name
    if detection.entity_type == "PERSON" and detection.detector == "SpacyRecognizer" and ordinary_words(words):
        return True
    capitalised = [w for w in words if w[0].isupper() and not w.isupper()]
    return len(capitalised) == len(words) and all(w.lower() in lowercase for w in words)


def _clinical_word(word: str, clinical: bool) -> bool:
    """A clinical term by its form ("Metoprolol"), or an eponym in clinical text ("Foley"), and no one's
    name: "Stephen" ends like a drug and "Murphy" is a sign's eponym, but both are names the lists know
    (outside clinical text by the worldwide lists too: "Jasvir", "Chioma")."""
    eponym = word.lower() in CLINICAL_EPONYMS
    if not (is_term(word) or eponym):
        return False
    if eponym and clinical:
        return True
    return not is_probable_name(word, worldwide=not clinical)


def ordinary_phrase(value: str) -> bool:
    """Every word of `value` (function words aside) is an ordinary word no census list has as a name."""
    words = [w for w in _WORD.findall(value) if w.lower() not in FUNCTION_WORDS]
    return bool(words) and ordinary_words(words)


def ordinary_words(words: list[str]) -> bool:
    """NER's person guesses on headings: "Discharge Diagnoses", "Admission Notes"."""
    return all(zipf(w) >= COMMON_ZIPF and w.lower() not in given_names() and w.lower() not in surnames()
               for w in words)


def _looks_like_full_name(words: list[str]) -> bool:
    return len(words) >= 2 and words[0].lower() in given_names() and words[-1].lower() in surnames()
