"""Person-name recognizers that do not depend on the NER model seeing enough context.

spaCy's small model misses names in headers, tables and signatures ("Patient: Eleanor Whitfield").
Three cheap signals catch them: a census gazetteer of given names and surnames, an honorific
("Dr. Okafor"), and a field label ("Borrower: Marcus Delgado").
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

from presidio_analyzer import EntityRecognizer, RecognizerResult

_NAME_WORD = r"[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)*|[A-Z]'[A-Z][a-z]+|Ma?c[A-Z][a-z]+"
_FULL_NAME = rf"(?:{_NAME_WORD})(?:[ \t]+[A-Z]\.)?(?:[ \t]+(?:{_NAME_WORD})){{1,2}}"
_PAIR = re.compile(rf"\b(?P<first>{_NAME_WORD})(?:[ \t]+[A-Z]\.)?[ \t]+(?P<last>{_NAME_WORD})\b")
_TITLED = re.compile(
    rf"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Dame|Judge|Justice)\.?[ \t]+(?P<name>(?:{_NAME_WORD})(?:[ \t]+(?:{_NAME_WORD}))?)\b"
)
_LABELS = (
    "patient|name|full name|applicant|co-applicant|borrower|co-borrower|guarantor|employee|"
    "claimant|insured|policyholder|policy holder|beneficiary|contact|attn|attention|signed|signature|"
    "prepared by|reviewed by|approved by|reported by|submitted by|author|owner|incident commander|"
    "manager|case manager|witness|driver|physician|attending physician|nurse|recipient|sender|"
    "account holder|account name|payee|client|tenant|landlord|plaintiff|defendant|from|to|cc"
)
_LABELLED = re.compile(rf"(?m)\b(?i:{_LABELS})[ \t]*:[ \t]*(?P<name>{_FULL_NAME})\b")

# Given names that are also everyday capitalised words: only a known surname after them counts.
_AMBIGUOUS_GIVEN = {
    "may", "june", "april", "august", "will", "bill", "mark", "rose", "lane", "dean", "major", "page",
    "art", "sunny", "joy", "hope", "faith", "summer", "dawn", "crystal", "amber", "ruby", "chase",
    "grant", "drew", "miles", "lee", "long", "king", "young", "rich", "price", "chance", "guy",
    "christian", "virginia", "georgia", "carolina", "dakota", "florence", "paris", "sydney", "austin",
    "houston", "charlotte", "phoenix", "madison", "jackson", "lincoln", "washington", "china", "iris",
    "misty", "golden", "precious", "sterling", "royal", "penny", "ginger", "sandy", "holly", "ivy",
    "rocky", "stormy", "an", "in", "my", "so", "ok", "al", "ed", "con", "don", "van", "von",
}


@cache
def _census(name: str) -> frozenset[str]:
    text = resources.files("names").joinpath(name).read_text()
    return frozenset(line.split()[0].lower() for line in text.splitlines() if line.strip())


def given_names() -> frozenset[str]:
    return _census("dist.female.first") | _census("dist.male.first")


def surnames() -> frozenset[str]:
    return _census("dist.all.last")


class _RegexNameRecognizer(EntityRecognizer):
    def __init__(self, name: str) -> None:
        super().__init__(supported_entities=["PERSON"], name=name, supported_language="en")

    def load(self) -> None:
        pass

    def _result(self, start: int, end: int, score: float) -> RecognizerResult:
        return RecognizerResult("PERSON", start, end, score,
                                recognition_metadata={"recognizer_name": self.name,
                                                      "recognizer_identifier": self.id})


class GazetteerNameRecognizer(_RegexNameRecognizer):
    """Capitalised given name from the US census list followed by a capitalised word."""

    def __init__(self) -> None:
        super().__init__("GazetteerNameRecognizer")
        self._given, self._surnames = given_names(), surnames()

    def analyze(self, text, entities, nlp_artifacts=None):
        results = []
        for match in _PAIR.finditer(text):
            first, last = match["first"].lower(), match["last"].lower()
            if first not in self._given:
                continue
            known_last = last in self._surnames
            if first in _AMBIGUOUS_GIVEN and not known_last:
                continue
            results.append(self._result(match.start(), match.end(), 0.7 if known_last else 0.5))
        return results


class TitledNameRecognizer(_RegexNameRecognizer):
    """The name after an honorific: "Dr. Okafor", "Ms. Eleanor Whitfield"."""

    def __init__(self) -> None:
        super().__init__("TitledNameRecognizer")

    def analyze(self, text, entities, nlp_artifacts=None):
        return [self._result(m.start("name"), m.end("name"), 0.75) for m in _TITLED.finditer(text)]


class LabelledNameRecognizer(_RegexNameRecognizer):
    """The name after a field label: "Patient: Eleanor Whitfield", "Incident commander: ..."."""

    def __init__(self) -> None:
        super().__init__("LabelledNameRecognizer")

    def analyze(self, text, entities, nlp_artifacts=None):
        return [self._result(m.start("name"), m.end("name"), 0.7) for m in _LABELLED.finditer(text)]
