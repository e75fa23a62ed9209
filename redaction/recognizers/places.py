"""Places from a LEXICON (country names in many languages) and a CUE ("grew up in Remniku")."""

from __future__ import annotations

import re

from redaction.recognizers.base import RegexRecognizer
from redaction.lexicons import country_names, trie_regex


def _alternation(words) -> str:
    return trie_regex(set(words))


_CAP = r"[A-ZÀ-ÖØ-ÞĀ-Ž][\w&-]*"
_MONTHS_DAYS = {"january", "february", "march", "april", "may", "june", "july", "august", "september",
                "october", "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday",
                "saturday", "sunday"}
_NOT_PLACES = {"the", "a", "an", "this", "that", "my", "our", "your", "his", "her", "their", "it", "i",
               "case", "order", "total", "general", "particular", "person", "fact", "addition", "time",
               "english", "court", "atm", "tv", "section", "part", "chapter", "room", "ward", "bed", "er", "icu", "or"}


class CountryRecognizer(RegexRecognizer):
    """Country names (many languages), any case."""

    ENTITY = "LOCATION"
    SCORE = 0.6

    def __init__(self) -> None:
        names = sorted(country_names(), key=len, reverse=True)
        type(self).PATTERN = re.compile(rf"(?<![\w-])(?i:{_alternation(names)})(?![\w-])")
        super().__init__()


class LocativePlaceRecognizer(RegexRecognizer):
    """Capitalised words after "in/from/near/to/at" inside a sentence: "grew up in Remniku"."""

    ENTITY = "LOCATION"
    PATTERN = re.compile(
        rf"(?<=[a-z,] )(?:in|from|near|to|at|of|visit|visiting|Where:)[ \t]+"
        rf"(?P<value>{_CAP}(?:[ \t]+(?:{_CAP}|de|del|da|di|du|la|le|na|u|am|an)){{0,3}}"
        rf"(?:[ \t]+\d{{3}}[ \t]\d{{2}}\b|[ \t]+\d{{4,5}}\b)?)")  # a postcode after the place: "in Assen 9401"
    SCORE = 0.4

    def accept(self, value: str) -> bool:
        first = value.split()[0].lower()
        return first not in _NOT_PLACES and first not in _MONTHS_DAYS
