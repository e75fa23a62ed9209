"""Record, member, policy, claim and staff numbers, justified by a LABEL, and internal reference
codes justified by their FORMAT (a letter prefix and long digit groups: "POL-17-88213").

Clinical notes, claims and HR files carry numbers in every shape ("MRN: RMH-0048-2913", "Member ID
A1234567"): no pattern knows them, the label does. Unlabelled, an office's reference codes share
one shape, an upper-case prefix then digit groups, that public codes (ISO 9001, COVID-19, ICD-10)
avoid by being short or listed below.
"""

from __future__ import annotations

import re

from presidio_analyzer import Pattern, PatternRecognizer

from redaction.recognizers.base import RegexRecognizer

_NUMBER = r"(?:number|num\.?|no\.?|nr\.?|n[°º]|#|id|code|ref(?:erence)?\.?)"
_ID_LABELS = (
    rf"mrn|medical record(?:[ \t]+{_NUMBER})?|med\.?[ \t]+rec(?:ord)?\.?(?:[ \t]+{_NUMBER})?|"
    rf"(?:hospital|hosp\.?|unit|chart)[ \t]+{_NUMBER}|record[ \t]+{_NUMBER}|"
    # health and registry numbers of other systems: India's UHID, unit and customer reference numbers
    rf"uhid|urn|crn|nhc|"
    # the same labels in other languages of forms (fr, de, it, es, nl)
    rf"(?:num[ée]ro|n[°º]|no\.?)[ \t]*(?:de[ \t]+)?(?:patient|dossier|client|s[ée]curit[ée] sociale|historia|paciente|cliente)|"
    rf"patienten-?nummer|versicherten-?nummer|kunden-?nummer|akten-?zeichen|"
    rf"codice[ \t]+fiscale|tessera[ \t]+sanitaria|n\.?[ \t]*cartella|"
    rf"n[úu]mero[ \t]+de[ \t]+(?:historia|paciente|cliente|afiliaci[óo]n)|dni|nie|patiëntnummer|bsn|"
    rf"patient[ \t]+{_NUMBER}|nhs[ \t]+{_NUMBER}|"
    rf"(?:bank[ \t]+)?account[ \t]+{_NUMBER}|acct\.?[ \t]*{_NUMBER}|routing[ \t]+{_NUMBER}|sort[ \t]+code|"
    rf"policy[ \t]+{_NUMBER}|claim[ \t]+{_NUMBER}|member(?:ship)?[ \t]+{_NUMBER}|subscriber[ \t]+{_NUMBER}|"
    rf"(?:health[ \t]+)?plan[ \t]+{_NUMBER}|group[ \t]+{_NUMBER}|beneficiary[ \t]+{_NUMBER}|"
    rf"insurance[ \t]+{_NUMBER}|health[ \t]+(?:card|insurance)[ \t]+{_NUMBER}|medicaid[ \t]+{_NUMBER}|"
    rf"medicare[ \t]+{_NUMBER}|"
    rf"case[ \t]+{_NUMBER}|docket[ \t]+{_NUMBER}|file[ \t]+{_NUMBER}|reference[ \t]+{_NUMBER}|"
    rf"(?:our|your)[ \t]+ref(?:erence)?\.?|ref\.?[ \t]*{_NUMBER}|ticket[ \t]+{_NUMBER}|"
    rf"(?:customer|client|employee|staff|personnel|payroll|badge|student|user|tax|national|citizen)"
    rf"[ \t]+{_NUMBER}|"
    rf"passport(?:[ \t]+{_NUMBER})?|visa|pesel|(?:residence|work)[ \t]+permit|(?:driver'?s?[ \t]+)?licen[cs]e[ \t]+{_NUMBER}|"
    rf"(?:driver'?s?|driving)[ \t]+licen[cs]e|tax[ \t]+id|national[ \t]+id|"
    rf"id[ \t]+{_NUMBER}|invoice[ \t]+{_NUMBER}|order[ \t]+{_NUMBER}|booking[ \t]+{_NUMBER}|"
    rf"confirmation[ \t]+{_NUMBER}|transaction[ \t]+{_NUMBER}|contract[ \t]+{_NUMBER}|loan[ \t]+{_NUMBER}|"
    rf"card[ \t]+{_NUMBER}|serial[ \t]+{_NUMBER}|ssn|nino|emp(?:loyee)?[ \t]*id|staff[ \t]*id|id(?=[ \t]*[:#])|"
    # "ID 110105199003072316", "ref N1184702": the bare abbreviations, the identifier right after them
    rf"(?-i:ID)(?=[ \t]+\d)|ref\.?"
)
# A token that contains a digit: letters, digits and inner separators ("RMH-0048-2913", "A1234567").
_ID_VALUE = r"(?=[A-Za-z0-9/:.-]*\d)[A-Za-z0-9](?:[A-Za-z0-9]|[-/.:](?=[A-Za-z0-9])|[ ](?=\d)){3,29}"
# Unlabelled: PREFIX-12-34567, ABC/2024/00123, EMP-00421 (five or more digits, one group of four or more:
# readings such as "ABG-100/48/7" or "CVP-17-19" have only short groups).
_CODE = (r"(?<![\w/-])[A-Za-z]{1,5}(?:[-/][A-Za-z]{1,4})?(?:[-/]\d{2,})(?:[-/][A-Za-z0-9]*\d[A-Za-z0-9]*)*"
         r"(?![\w/]|-\w)")
# Public codes in that shape: standards, classifications, diseases, vulnerabilities.
_PUBLIC_PREFIXES = frozenset("iso en iec din bs nf astm ansi ieee rfc nist fips icd dsm covid sars mers cve "
                             "cwe gs ece un itu etsi jis gb ul csa sae".split())


class LabelledIdentifierRecognizer(RegexRecognizer):
    """The value after an identifier label: record, account, policy, claim, member, staff numbers.

    The label is matched first and the value is a group: a look-behind for the label, tried at every
    position of the text, made this recognizer a quarter of all redaction time on long judgments."""

    ENTITY = "ID_NUMBER"
    # In prose the label is stated ("her passport number is <digits>"): then five digits or more, so
    # "the visa was 300" or "licence was 2019" stay a quantity and a year.
    PATTERN = re.compile(rf"\b(?i:{_ID_LABELS})(?:[ \t]+(?i:is|was)[ \t]+(?P<value_stated>{_ID_VALUE})"
                         rf"|[ \t]*[:#.]?[ \t]*(?:#[ \t]*)?(?P<value>{_ID_VALUE}))(?![\w-])")
    # Above a phone's shape (0.75): where both read the same digits, the label says what they are
    # ("account number is <digits>" is an account, not a phone).
    SCORE = 0.8

    def accept_group(self, group: str | int, value: str) -> bool:
        return sum(c.isdigit() for c in value) >= (5 if group == "value_stated" else 3)


class ReferenceCodeRecognizer(PatternRecognizer):
    """Internal reference codes by shape: a short letter prefix, then long digit groups."""

    def __init__(self) -> None:
        super().__init__(supported_entity="ID_NUMBER", name="ReferenceCodeRecognizer",
                         patterns=[Pattern("reference code", _CODE, 0.5)], global_regex_flags=0)

    def validate_result(self, pattern_text: str) -> bool | None:
        prefix = re.split(r"[-/]", pattern_text, maxsplit=1)[0].lower()
        groups = re.findall(r"\d+", pattern_text)
        long_enough = sum(map(len, groups)) >= 5 and max(map(len, groups)) >= (4 if len(prefix) > 1 else 5)
        return None if long_enough and prefix not in _PUBLIC_PREFIXES else False


def record_recognizers() -> list:
    return [LabelledIdentifierRecognizer(), ReferenceCodeRecognizer()]
