"""Quasi-identifiers from vocabularies and context: titles, NRP, organisations, places.

spaCy's small model finds many of these but misses lower-case text, headers and short snippets;
these recognizers are cheap (one regex each) and work without the model.
"""

from __future__ import annotations

import re

from presidio_analyzer import EntityRecognizer, RecognizerResult

from redaction.lexicons import (COMPANY_SUFFIXES, DEMONYMS, HONORIFICS, OCCUPATION_HEADS, country_names,
                                trie_regex)


def _alternation(words) -> str:
    return trie_regex(set(words))


_CAP = r"[A-ZÀ-ÖØ-ÞĀ-Ž][\w&-]*"
_MONTHS_DAYS = {"january", "february", "march", "april", "may", "june", "july", "august", "september",
                "october", "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday",
                "saturday", "sunday"}
_NOT_PLACES = {"the", "a", "an", "this", "that", "my", "our", "your", "his", "her", "their", "it", "i",
               "case", "order", "total", "general", "particular", "person", "fact", "addition", "time",
               "english", "court", "atm", "tv", "section", "part", "chapter", "room", "ward", "bed", "er", "icu", "or"}


class _RegexRecognizer(EntityRecognizer):
    """One entity from one compiled regex; the 'value' group (or the whole match) is the span."""

    ENTITY = ""
    PATTERN: re.Pattern
    SCORE = 0.5

    def __init__(self) -> None:
        super().__init__(supported_entities=[self.ENTITY], name=type(self).__name__, supported_language="en")

    def load(self) -> None:
        pass

    def accept(self, value: str) -> bool:
        return True

    def analyze(self, text, entities, nlp_artifacts=None):
        results = []
        for match in self.PATTERN.finditer(text):
            group = "value" if "value" in self.PATTERN.groupindex else 0
            if match.group(group) and self.accept(match.group(group)):
                results.append(RecognizerResult(
                    self.ENTITY, match.start(group), match.end(group), self.SCORE,
                    recognition_metadata={"recognizer_name": self.name, "recognizer_identifier": self.id}))
        return results


class HonorificRecognizer(_RegexRecognizer):
    """"Mr.", "Dr" before a name: the honorific reveals gender or profession."""

    ENTITY = "TITLE"
    PATTERN = re.compile(rf"\b(?i:{_alternation(HONORIFICS)})\b\.?(?=[ \t]+[A-Za-zÀ-ž])")
    SCORE = 0.6

    def accept(self, value: str) -> bool:
        return value[0].isupper() and (value.endswith(".") or not value.isupper())


class JobTitleRecognizer(_RegexRecognizer):
    """Up to three modifiers + an occupation noun: "assistant property manager", "Sewer pipe cleaner"."""

    ENTITY = "TITLE"
    # On a line of its own (signature block) or after "as a", "is a", "title:" and the like.
    PATTERN = re.compile(
        rf"(?:(?<=\n)|^|(?<=\bas )|(?<=\bas a )|(?<=\bas an )|(?<=\bis a )|(?<=\bis an )|(?<=\bwork as )|"
        rf"(?<=:)[ \t]*|(?<=> ))[ \t>]*"
        rf"(?P<value>(?:[A-Za-z][a-z-]+[ \t]+){{0,3}}(?i:{_alternation(OCCUPATION_HEADS)})s?\b)(?=[ \t]*(?:\n|$|[,.]))",
        re.MULTILINE)
    SCORE = 0.45
    _FUNCTION_WORDS = {"a", "an", "the", "as", "is", "was", "to", "of", "for", "and", "or", "my", "our",
                       "your", "his", "her", "their", "with", "by", "at", "in", "on", "from", "new",
                       "i", "we", "he", "she", "they", "you", "this", "that", "be", "been", "am", "are",
                       "were", "will", "would", "can", "could", "not", "no", "all", "any", "some"}

    def analyze(self, text, entities, nlp_artifacts=None):
        results = []
        for result in super().analyze(text, entities, nlp_artifacts):
            words = text[result.start:result.end].split()
            while len(words) > 1 and words[0].lower() in self._FUNCTION_WORDS:
                result.start = text.index(words[1], result.start + len(words[0]))
                words = words[1:]
            results.append(result)
        return results


class NrpRecognizer(_RegexRecognizer):
    """Nationalities, religions and political groups, any case, singular or plural."""

    ENTITY = "NRP"
    PATTERN = re.compile(rf"(?<![\w-])(?i:{_alternation(DEMONYMS)})(?:e?s)?(?![\w-])")
    SCORE = 0.5


class CompanySuffixRecognizer(_RegexRecognizer):
    """Capitalised words ending in a company form: "Fernandez Inc.", "Acme Widgets GmbH"."""

    ENTITY = "ORGANIZATION"
    PATTERN = re.compile(
        rf"(?<![\w-])(?:{_CAP}[ \t]+|{_CAP},[ \t]+){{1,4}}(?:{_alternation(COMPANY_SUFFIXES)})(?![\w])")
    SCORE = 0.55


class PartnershipRecognizer(_RegexRecognizer):
    """Firm names in the partnership style: "Owens, Duran and Oneal", "Smith & Jones"."""

    ENTITY = "ORGANIZATION"
    PATTERN = re.compile(r"\b(?i:[a-z][\w'-]+,[ \t]+[a-z][\w'-]+,?[ \t]+(?:and|&)[ \t]+[a-z][\w'-]+)\b"
                         r"|\b[A-Z][a-z]+-[A-Z][a-z]+\b")
    SCORE = 0.45

    def accept(self, value: str) -> bool:
        from redaction.names import surnames

        words = [w.strip(",") for w in value.replace("-", " ").split() if w.lower() not in ("and", "&")]
        return all(w[0].isupper() for w in words) or all(w.lower() in surnames() for w in words)


class CountryRecognizer(_RegexRecognizer):
    """Country names (many languages), any case."""

    ENTITY = "LOCATION"
    SCORE = 0.6

    def __init__(self) -> None:
        names = sorted(country_names(), key=len, reverse=True)
        type(self).PATTERN = re.compile(rf"(?<![\w-])(?i:{_alternation(names)})(?![\w-])")
        super().__init__()


class LocativePlaceRecognizer(_RegexRecognizer):
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


def quasi_recognizers() -> list:
    return [HonorificRecognizer(), JobTitleRecognizer(), NrpRecognizer(), CompanySuffixRecognizer(),
            PartnershipRecognizer(), CountryRecognizer(), LocativePlaceRecognizer()]
