"""Case and file numbers of courts and registries, justified by a LABEL ("application no.",
"case no.", "file ref.") and, for US federal dockets, by their FORMAT ("2:21-cv-01234").

Many European courts number a case serial/year ("no. 12345/06"): after "no." that FORMAT is a case
number whatever precedes it; other numbers need a case-like label before them, and a list after a plural label ("nos. 311, 47 and 208/2") is a list of them. A bare
"Protocol No. 11" or "Article 5" names public law, not a case: only case-like labels count.
"""

from __future__ import annotations

import re

from presidio_analyzer import Pattern, PatternRecognizer

_CASE_WORDS = (r"application|applications|case|cases|file|files|complaint|complaints|petition|appeal|"
               r"appeals|docket|matter|claim|plot|plots|parcel|parcels|folio|dossier|warrant|proceedings|"
               r"action|cause|register|registry|ref|reference")
_NUMBER_WORD = r"(?:nos?\.|numbers?|n[or]\.?|#)"
_CODE = r"\d{1,7}(?:[/.-]\d{1,6}){0,3}(?:[/-][A-Z]{1,3})?"
_LIST_TAIL = rf"(?:(?:,|,?[ \t]+and|,?[ \t]+&)[ \t]+{_CODE})*"
_CASE_LIKE = re.compile(r"\d{3}|\d[/.:-]\d")
_LIST_ITEM = re.compile(r"[^\s,&]*\d[^\s,&]*")
_LABEL = rf"(?i:\b(?:{_CASE_WORDS})[ \t]*\(?[ \t]*{_NUMBER_WORD}|\b(?:{_CASE_WORDS})[ \t]*:)"
_DOCKET = r"\b\d{1,2}:\d{2}-(?i:cv|cr|mj|bk|md|mc|ap)-\d{3,6}(?:-[A-Z]{1,4})*\b"


class CaseNumberRecognizer(PatternRecognizer):
    """Numbers after a case-like label (and the rest of their list), and US federal docket numbers."""

    def __init__(self) -> None:
        super().__init__(
            supported_entity="CASE_NUMBER", name="CaseNumberRecognizer",
            patterns=[Pattern("labelled case number", rf"(?<={_LABEL}[ \t]*){_CODE}{_LIST_TAIL}(?![\w/])", 0.7),
                      Pattern("serial/year after no.", rf"(?<=(?i:\bnos?\.)[ \t]*)\d{{3,6}}/\d{{2}}(?:\d{{2}})?{_LIST_TAIL}(?![\w/])",
                              0.6),
                      Pattern("federal docket", _DOCKET, 0.8)],
            global_regex_flags=0)

    def analyze(self, text, entities, nlp_artifacts=None, regex_flags=None):
        """One result per number of a list: the words between them stay readable."""
        results = []
        for found in super().analyze(text, entities, nlp_artifacts, regex_flags):
            if not _CASE_LIKE.search(text[found.start:found.end]):
                continue  # "Action: 1. Start metoprolol": a list item, not a case
            for code in _LIST_ITEM.finditer(text[found.start:found.end]):
                results.append(type(found)(found.entity_type, found.start + code.start(), found.start + code.end(),
                                           found.score, found.analysis_explanation, found.recognition_metadata))
        return results
