"""Organisations from a LEXICON of company forms ("Acme Widgets GmbH") and partnership-style firm
names ("Owens, Duran and Oneal")."""

from __future__ import annotations

import re

from redaction.recognizers.base import RegexRecognizer
from redaction.lexicons import COMPANY_SUFFIXES, trie_regex



_CAP = r"[A-ZÀ-ÖØ-ÞĀ-Ž][\w&-]*"


class CompanySuffixRecognizer(RegexRecognizer):
    """Capitalised words ending in a company form: "Marlowe Inc.", "Acme Widgets GmbH"."""

    ENTITY = "ORGANIZATION"
    PATTERN = re.compile(
        rf"(?<![\w-])(?:{_CAP}[ \t]+|{_CAP},[ \t]+){{1,4}}(?:{trie_regex(COMPANY_SUFFIXES)})(?![\w])")
    SCORE = 0.55


class PartnershipRecognizer(RegexRecognizer):
    """Firm names in the partnership style: "Owens, Duran and Oneal", "Smith & Jones"."""

    ENTITY = "ORGANIZATION"
    PATTERN = re.compile(r"\b(?i:[a-z][\w'-]+,[ \t]+[a-z][\w'-]+,?[ \t]+(?:and|&)[ \t]+[a-z][\w'-]+)\b"
                         r"|\b[A-Z][a-z]+-[A-Z][a-z]+\b")
    SCORE = 0.45

    def accept(self, value: str) -> bool:
        from redaction.recognizers.names import is_probable_name

        words = [w.strip(",") for w in value.replace("-", " ").split() if w.lower() not in ("and", "&")]
        return all(is_probable_name(w) for w in words)
