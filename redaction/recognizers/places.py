"""Places from a LEXICON (country names in many languages) and a CUE ("grew up in Velmora",
"transferred from Union Hospital", "rehab at Sacred Heart Memorial")."""

from __future__ import annotations

import re

from core.vocabulary.calendar_words import calendar_words
from core.vocabulary.clinical import is_clinical_abbreviation
from core.vocabulary.facilities import FACILITY_KIND, MOVED_TO, MOVEMENT_VERBS
from core.vocabulary.patterns import trie_regex
from redaction.lexicons import US_ZIP_PREFIXES, country_names
from redaction.recognizers.base import RegexRecognizer
from redaction.words import zipf



_CAP = r"[A-ZÀ-ÖØ-ÞĀ-Ž][\w&-]*"
_MONTHS_DAYS = calendar_words(abbreviated=False)
_NOT_PLACES = {"the", "a", "an", "this", "that", "my", "our", "your", "his", "her", "their", "it", "i",
               "case", "order", "total", "general", "particular", "person", "fact", "addition", "time",
               "english", "court", "atm", "tv", "section", "part", "chapter", "room", "ward", "bed", "er", "icu", "or",
               "article", "articles", "rule", "rules", "paragraph", "protocol", "annex", "schedule"}


class CountryRecognizer(RegexRecognizer):
    """Country names (many languages), any case."""

    ENTITY = "LOCATION"
    SCORE = 0.6

    def __init__(self) -> None:
        names = sorted(country_names(), key=len, reverse=True)
        type(self).PATTERN = re.compile(rf"(?<![\w-])(?i:{trie_regex(names)})(?![\w-])")
        super().__init__()


class LocativePlaceRecognizer(RegexRecognizer):
    """Capitalised words after "in/from/near/to/at" inside a sentence: "grew up in Velmora"."""

    ENTITY = "LOCATION"
    PATTERN = re.compile(
        rf"(?<=[a-z,] )(?:in|from|near|to|at|of|visit|visiting|Where:)[ \t]+"
        rf"(?P<value>{_CAP}(?:[ \t]+(?:(?:de|del|da|di|du|la|le|na|u|am|an)[ \t]+)?{_CAP}){{0,3}}"
        rf"(?:[ \t]+\d{{3}}[ \t]\d{{2}}\b|[ \t]+\d{{4,5}}\b)?)")  # a postcode after the place: "in Assen 9401"
    SCORE = 0.4

    def accept(self, value: str) -> bool:
        first = value.split()[0].lower()
        return first not in _NOT_PLACES and first not in _MONTHS_DAYS

    def analyze(self, text, entities, nlp_artifacts=None):
        return [found for found in super().analyze(text, entities, nlp_artifacts)
                if not _CAPITALISED_BEFORE_OF.search(text, max(0, found.start - 40), found.start)]


# "of" after a capitalised word joins one name ("the Court of Audit", "Ministry of Agriculture",
# "the Code of Civil Procedure"): what follows it is part of that name, not a place of its own
_CAPITALISED_BEFORE_OF = re.compile(r"(?<![\w'’-])[A-Z][\w'’-]{0,30}+[ \t]+of[ \t]+$")


_NOT_A_NAME = {"the", "a", "an", "this", "that", "his", "her", "their", "our", "my", "your", "to", "from", "at",
               "in", "of", "for", "and", "general", "local", "outside", "other", "same", "previous", "state",
               "community", "private", "public", "county", "city", "university", "teaching", "children's",
               "psychiatric", "rehab", "nursing", "home", "osh", "transfer", "transferred", "admitted", "via"}


class CareFacilityRecognizer(RegexRecognizer):
    """The name of a hospital, clinic or care home, in any case: "Union Hospital", "velmora hosp"."""

    ENTITY = "LOCATION"
    # a word is bounded and possessive: tried at every word start, an unbounded one scanned the rest
    # of a long run such as "a.a.a...." from each (quadratic time)
    PATTERN = re.compile(rf"(?i)(?<![\w-])(?P<value>(?:[^\W\d_][\w'’.-]{{0,63}}+[ \t]+){{1,3}}){FACILITY_KIND}(?![\w])")
    SCORE = 0.5

    def analyze(self, text, entities, nlp_artifacts=None):
        results = []
        for found in super().analyze(text, entities, nlp_artifacts):
            words = list(re.finditer(r"\S+", text[found.start:found.end]))
            # the match starts as early as it can ("PT NOW IN HOSPICE", "SEEN AT FENWOLD
            # HOSPITAL"): the name is what follows its last function word, none when nothing does
            breaks = [i for i, word in enumerate(words) if _breaks_a_name(word.group())]
            if breaks:
                words = words[breaks[-1] + 1:]
            while words and _leads_in(words[0].group()):
                words.pop(0)
            if words:
                found.start, found.end = found.start + words[0].start(), found.start + words[-1].end()
                results.append(found)
        return results


_HOSPITAL_INITIALS = re.compile(r"[A-Z][B-DF-HJ-NP-TV-Z]{0,3}(?:H|MC)|[a-z][b-df-hj-np-tv-z]{0,3}(?:h|mc)")


class TransferPlaceRecognizer(RegexRecognizer):
    """Where a patient is moved to or from, named by initials or by a ward and its number:
    "transferred to KMH", "sent to VMC", "transfer to Fenwold 4", "admitted to FENWOLD6".

    Initials count when they are shaped like a hospital's or a medical centre's ("General Hospital",
    "Velmora Medical Center"): a letter, at most three consonants, then H or MC; "OSH" (any outside
    hospital), state codes and care units ("MICU", "CCU": a unit, not a place) do not. A ward is a word
    general English hardly writes, not a clinical abbreviation, with a ward or bed number after it."""

    ENTITY = "LOCATION"
    _CUE = rf"(?i:{MOVED_TO})"
    _WORD = r"(?:[A-Z][a-z]{2,20}+|[a-z]{3,21}+|[A-Z]{3,21}+)"
    PATTERN = re.compile(
        rf"{_CUE}(?:(?P<value>{_HOSPITAL_INITIALS.pattern})(?![\w-])"
        rf"|(?P<value_glued>{_WORD}\d{{1,2}})(?![\w/:-]|\.\d)|(?P<value_ward>{_WORD})[ \t]\d{{1,2}}(?![\w/:-]|\.\d))")
    SCORE = 0.6

    def accept(self, value: str) -> bool:
        word = value.rstrip("0123456789")
        if word.upper() in _NOT_A_FACILITY_CODE or word.upper() in US_ZIP_PREFIXES:
            return False
        return bool(_HOSPITAL_INITIALS.fullmatch(word)) or _is_ward_name(word)


RARE_ZIPF_FOR_A_WARD = 3.0  # "room", "floor", "bed", "unit" (4.4+) are kinds of place, not names
_NOT_A_FACILITY_CODE = frozenset({"OSH"})  # "outside hospital": any other hospital, none named


def _is_ward_name(word: str) -> bool:
    return (zipf(word) < RARE_ZIPF_FOR_A_WARD and not is_clinical_abbreviation(word) and not word.upper().endswith("U")
            and word.lower() not in calendar_words())


def _breaks_a_name(word: str) -> bool:
    """A function word or a verb of moving a patient: no facility's name runs across it ("of" does:
    "University of Velmora")."""
    from spacy.lang.en.stop_words import STOP_WORDS

    lowered = word.lower().strip("(),.")
    return lowered in MOVEMENT_VERBS or (lowered in STOP_WORDS and lowered not in {"of", "first"})


def _leads_in(word: str) -> bool:
    """Articles, prepositions and verbs before a facility's name: "taken to", "transferred from the"."""
    from spacy.lang.en.stop_words import STOP_WORDS

    lowered = word.lower().strip("(),.")
    return lowered in _NOT_A_NAME or lowered in STOP_WORDS or lowered.endswith(("ed", "ing")) or lowered == "taken"


_DIVISION = (r"(?:borough|county|municipality|district|province|region|canton|d[ée]partement|"
             r"prefecture|parish|commune|oblast|voivodeship|governorate|township|village|town|city)")


class AdministrativeAreaRecognizer(RegexRecognizer):
    """An administrative area named by its kind: "the county of Velmora", "Borough of Eastmere"."""

    ENTITY = "LOCATION"
    PATTERN = re.compile(rf"(?<![\w-])(?i:{_DIVISION})[ \t]+of[ \t]+{_CAP}(?:[ \t]+{_CAP}){{0,2}}")
    SCORE = 0.5


class LabelledPlaceRecognizer(RegexRecognizer):
    """The place after a form's place label: "city: Leeds", "Place of birth: Cluj-Napoca", "Town: St Ives".
    The label says what the value is, so the value needs no other evidence; it runs to the end of the
    field (a semicolon, a comma, a line break) and holds at most four capitalised words."""

    ENTITY = "LOCATION"
    _LABEL = (r"(?i:city|town|village|hometown|home town|county|municipality|place of birth|birthplace|"
              r"birth place|place of residence|residence|city of birth|town of birth)")
    _PLACE_WORD = r"[A-ZÀ-ÖØ-ÞĀ-Ž][\w'’.-]{0,40}+"
    PATTERN = re.compile(rf"(?<![\w-]){_LABEL}[ \t]*:[ \t]*(?P<value>{_PLACE_WORD}(?:[ \t-]{_PLACE_WORD}){{0,3}}+)"
                         rf"(?=[ \t]*(?:[;,|\n]|$))", re.MULTILINE)
    SCORE = 0.6


# Verbs that say where someone lives or comes from: "lives alone in <Place>", "resides with her son in
# <Place>", "grew up in <Place>", "was born in <Place>". Words of moving a patient are not among them
# (`TransferPlaceRecognizer` reads those), nor "raised", which courts write of questions.
_RESIDENCE = r"(?:lives?|lived|living|resides?|resided|residing|resident|grew[ \t]+up|born|relocated)"


class ResidencePlaceRecognizer(RegexRecognizer):
    """Where a person lives or was born, after a verb of residence: "Lives alone in <Place>".

    The verb is the evidence, so the place needs no lexicon and stays a place in shorthand notes,
    where a lone capitalised word after "in" (`LocativePlaceRecognizer`) is mostly an abbreviation.
    Up to three lower-case words or dates may come between ("lives with her daughter in", "born
    <dd.mm.yyyy> in"); the place is at most
    three capitalised words, not an abbreviation, a month or a part of a text ("in Section 8")."""

    ENTITY = "LOCATION"
    _PLACE_WORD = r"[A-ZÀ-ÖØ-ÞĀ-Ž][\w'’&-]{0,40}+"
    PATTERN = re.compile(rf"\b(?i:{_RESIDENCE})(?:[ \t]+(?:[a-z]{{1,15}}+|\d[\d./-]{{0,11}}+)){{0,3}}?[ \t]+(?:in|near|outside|at)[ \t]+"
                         rf"(?:the[ \t]+)?(?P<value>{_PLACE_WORD}(?:[ \t]+{_PLACE_WORD}){{0,2}})(?![\w'’&-])")
    SCORE = 0.6

    def accept(self, value: str) -> bool:
        first = value.split()[0]
        if first.lower() in _NOT_PLACES or first.lower() in _MONTHS_DAYS:
            return False
        return not (first.isupper() and len(first) <= 4) and not is_clinical_abbreviation(first)
