"""Organisations from a LEXICON of company forms ("Acme Widgets GmbH"), partnership-style firm
names ("Owens, Duran and Oneal") and a CUE ("an illegal organisation, the KRV-A")."""

from __future__ import annotations

import re

from core.vocabulary.names import ELIDED_SURNAME_PREFIX
from core.vocabulary.patterns import trie_regex
from redaction.lexicons import COMPANY_SUFFIXES
from redaction.name_evidence import is_probable_name
from redaction.recognizers.base import RegexRecognizer



# A capitalised word, bounded and possessive (a space or a comma must follow it): tried at every
# capital, an unbounded one scanned the rest of a long run such as "A&A&A&..." from each (quadratic).
_CAP = r"[A-ZÀ-ÖØ-ÞĀ-Ž][\w&-]{0,63}+"


class CompanySuffixRecognizer(RegexRecognizer):
    """Capitalised words ending in a company form: "Marlowe Inc.", "Acme Widgets GmbH"."""

    ENTITY = "ORGANIZATION"
    PATTERN = re.compile(
        rf"(?<![\w-])(?:{_CAP}[ \t]+|{_CAP},[ \t]+){{1,4}}(?:{trie_regex(COMPANY_SUFFIXES)})(?![\w])")
    SCORE = 0.55


class PartnershipRecognizer(RegexRecognizer):
    """Firm names in the partnership style: "Owens, Duran and Oneal", "Smith & Jones"."""

    ENTITY = "ORGANIZATION"
    # Words bounded (and possessive where a comma or a space must follow): tried at every word start,
    # unbounded ones scanned the rest of a long run such as "a-a-a-..." from each (quadratic time).
    PATTERN = re.compile(r"\b(?i:[a-z][\w'-]{1,63}+,[ \t]+[a-z][\w'-]{1,63}+,?[ \t]+(?:and|&)[ \t]+[a-z][\w'-]{1,63})\b"
                         rf"|(?<![\w'’-])(?:{ELIDED_SURNAME_PREFIX})?[A-Z][a-z]+-[A-Z][a-z]+\b")  # never from inside "O'<Name>"
    SCORE = 0.45

    def accept(self, value: str) -> bool:
        words = [w.strip(",") for w in re.sub(rf"^{ELIDED_SURNAME_PREFIX}", "", value).replace("-", " ").split()
                 if w.lower() not in ("and", "&")]
        return all(is_probable_name(w) for w in words)


class NamedGroupRecognizer(RegexRecognizer):
    """The name given to an organisation a text calls illegal, terrorist, armed or banned: "an illegal
    organisation, the KRV-A", "membership of a terrorist group, namely the Black Harrow Front".
    Membership of such a group is among the most sensitive facts a text can hold about a person."""

    ENTITY = "ORGANIZATION"
    PATTERN = re.compile(
        r"(?i:\b(?:illegal|terrorist|armed|proscribed|banned|separatist|criminal|extremist)[ \t]+"
        r"(?:organi[sz]ation|group|movement|party)),?[ \t]+(?i:(?:namely|called|named|known[ \t]+as)[ \t]+)?"
        rf"(?i:the[ \t]+)?(?P<value>{_CAP}(?:[ \t]+{_CAP}){{0,4}})")
    SCORE = 0.6
