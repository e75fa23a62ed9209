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


# Census given names/surnames that are everyday English words (lower-case text needs this check).
_COMMON_WORDS = set("""
    art bill bob can car case chance chase cook day dean dell dew don dot drew else era fay gay
    gene hall hill hope ivy jack joy june king lane lee long love major mark may miles new
    norman page park pat penny price rich rose ross sale see sky son star sue summer tad
    tom van von ward way white will wood young green brown black gray grey ash bell best
    camp carpenter clay cross dale field fisher ford fox glass gold hunter justice key lord
    lovely mason miller money moon north page pay piper porter post power reed rice rock
    rush sharp short small snow stone street strong sweet taylor tucker turner walker
    west wise worth wright case christmas easter monday friday sunday tuesday else
    age aide air alpha ample angel april august autumn baker bank banks berry bird
    blue bond branch brook brooks burns bush butler card carter chambers church clark
    coffee cole colt cotton craft crane crown cash dawn deal dear diamond dixon drake
    early east eve faith fair fall ferry fine fish flower forest foster free friend gain
    game gates gil grace grant guy hale hand happy hardy hart heart holiday holly home
    honey house howard hurt iris jewel jewell judge june just kind lake land law little
    lucky march marsh martin master may meadow mercy merry middle mill mills moore more
    morning nice noble oak ocean ok pace paris pearl person pink place pool pope potter
    queen rain ray read ready river robin rose royal ruby sage salt sandy sea season
    shadow shell silver sing sky smith spring stamp still stroud summer sunny swift
    tailor tea temple thorn true union vale valley vine wall walls war waters weaver
    well wells will winter wolf wren yard princess prince duke earl baron""".split())


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


class LowercaseNameRecognizer(_RegexNameRecognizer):
    """"patricia desrosiers": a lower-case pair only when both words are unambiguous census names."""

    _LOWER_PAIR = re.compile(r"(?<![\w@./-])(?P<first>[a-z]{3,})[ \t]+(?P<last>[a-z]{3,})(?![\w@-])")

    def __init__(self) -> None:
        super().__init__("LowercaseNameRecognizer")
        self._given, self._surnames = given_names(), surnames()

    def analyze(self, text, entities, nlp_artifacts=None):
        from spacy.lang.en.stop_words import STOP_WORDS

        results = []
        for match in self._LOWER_PAIR.finditer(text):
            first, last = match["first"], match["last"]
            if (first in self._given and last in self._surnames and first not in _AMBIGUOUS_GIVEN
                    and first not in STOP_WORDS and last not in STOP_WORDS and first not in _COMMON_WORDS
                    and last not in _COMMON_WORDS):
                results.append(self._result(match.start(), match.end(), 0.5))
        return results


class SingleGivenNameRecognizer(_RegexNameRecognizer):
    """A capitalised census given name on its own ("Thanks, Megan"), not at a sentence start."""

    _WORD = re.compile(r"(?<![\w'-])[A-Z][a-z]{2,}(?![\w-])")

    def __init__(self) -> None:
        super().__init__("SingleGivenNameRecognizer")
        self._given = given_names()

    def analyze(self, text, entities, nlp_artifacts=None):
        results = []
        for match in self._WORD.finditer(text):
            word = match.group().lower()
            if word in self._given and word not in _AMBIGUOUS_GIVEN and word not in _COMMON_WORDS:
                results.append(self._result(match.start(), match.end(), 0.4))
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


def name_recognizers() -> list:
    return [GazetteerNameRecognizer(), TitledNameRecognizer(), LabelledNameRecognizer(),
            LowercaseNameRecognizer(), SingleGivenNameRecognizer()]
