"""Quasi-identifiers from a LEXICON: honorifics, job titles (occupation head nouns) and
nationalities, religions and political groups (NRP), and, by a CUE, race ("white people", "he is
black"): racial or ethnic origin is a special category of personal data (GDPR Art. 9)."""

from __future__ import annotations

import re

from core.vocabulary.honorifics import HONORIFICS
from core.vocabulary.patterns import trie_regex
from redaction.lexicons import DEMONYMS, OCCUPATION_HEADS
from redaction.recognizers.base import RegexRecognizer



class HonorificRecognizer(RegexRecognizer):
    """A form of address before a name (`core.vocabulary.honorifics`): it reveals gender or profession."""

    ENTITY = "TITLE"
    PATTERN = re.compile(rf"\b(?i:{trie_regex(HONORIFICS)})\b\.?(?=[ \t]+[A-Za-zÀ-ž])")
    SCORE = 0.6

    def accept(self, value: str) -> bool:
        return value[0].isupper() and (value.endswith(".") or not value.isupper())


class JobTitleRecognizer(RegexRecognizer):
    """Up to three modifiers + an occupation noun: "assistant property manager", "Sewer pipe cleaner"."""

    ENTITY = "TITLE"
    # On a line of its own (signature block) or after "as a", "is a", "title:" and the like.
    PATTERN = re.compile(
        rf"(?:(?<=\n)|^|(?<=\bas )|(?<=\bas a )|(?<=\bas an )|(?<=\bis a )|(?<=\bis an )|(?<=\bwork as )|"
        rf"(?<=:)[ \t]{{0,8}}|(?<=> ))[ \t>]{{0,8}}"  # bounded: a run of spaces or quote marks is no cue
        rf"(?P<value>(?:[A-Za-z][a-z\-\u2010\u2011]+[ \t]+){{0,3}}(?i:{trie_regex(OCCUPATION_HEADS)})s?\b)(?=[ \t]*(?:\n|$|[,.]))"
        # or in apposition to a person: "the applicant, a crane operator, …", "…, a teacher in Oakbridge"
        rf"|(?:(?<=, a )|(?<=, an ))(?P<value3>(?:[a-z][a-z\-\u2010\u2011]+[ \t]+){{0,3}}"
        rf"(?i:{trie_regex(OCCUPATION_HEADS)})s?\b)(?=[ \t]*[,.;)]|[ \t]+(?:in|at|with|from)\b)"
        # or after "worked as a", "employed as", "was the": the occupation ends the phrase
        rf"|\b(?:(?:worked|works|working|employed|served|serves|serving|trained|qualified)(?:[ \t]+[a-z]+ly)?[ \t]+as"
        rf"|(?:is|was|be|been|became|becomes|becoming|as)[ \t]+an?|(?:a|an)[ \t]+(?:retired|former|qualified|trainee))[ \t]+(?:an?[ \t]+)?"
        rf"(?P<value2>(?:[a-z][a-z\-\u2010\u2011]+[ \t]+){{0,2}}(?i:{trie_regex(OCCUPATION_HEADS)})s?\b)",
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


class NrpRecognizer(RegexRecognizer):
    """Nationalities, religions and political groups, any case, singular or plural."""

    ENTITY = "NRP"
    # "an Danish national", "of Kurdish origin": the noun after a demonym belongs to the phrase.
    PATTERN = re.compile(rf"(?<![\w-])(?i:{trie_regex(DEMONYMS)})(?:e?s)?"
                         rf"(?:[ \t]+(?i:nationals?|citizens?|origin|descent|extraction|nationality))?(?![\w-])")
    SCORE = 0.5


class RaceRecognizer(RegexRecognizer):
    """A colour word used as race: before a word for people ("white employees", "black people",
    "non-white applicants") or said of a person ("he was white,"); not a colour of a thing ("the
    car was black")."""

    ENTITY = "NRP"
    _PEOPLE = (r"people|persons?|population|nationals?|British|American|men|women|man|woman|male|female|"
               r"community|communities|immigrants?|immigration|applicants?|employees?|workers?|members?")
    PATTERN = re.compile(
        rf"(?i)\b(?P<value>(?:non-)?(?:white|black))(?=[ \t]+(?:{_PEOPLE})\b)"
        rf"|\b(?:he|she|they|who|i|we|you)[ \t]+(?:is|was|are|were|am)[ \t]+(?P<value2>white|black)(?=[ \t]*[,.;)])")
    SCORE = 0.5
