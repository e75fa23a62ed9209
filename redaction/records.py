"""Identifiers that only their label gives away, and e-mail addresses written to dodge filters.

Clinical notes, claims and court papers carry record numbers in every shape ("MRN: RMH-0048-2913",
"Policy No. 55-XK-201", "Member ID A1234567"): no pattern knows them, the label does.
"""

from __future__ import annotations

from presidio_analyzer import Pattern, PatternRecognizer

_ID_LABELS = (
    r"mrn|medical record(?: number| no\.?| #)?|record (?:number|no\.?|#)|patient (?:id|number|no\.?)|"
    r"account (?:number|no\.?|#)|acct\.? (?:no\.?|#)|policy (?:number|no\.?|#)|claim (?:number|no\.?|#)|"
    r"member (?:id|number|no\.?)|subscriber (?:id|number)|case (?:number|no\.?|#)|docket (?:number|no\.?)|"
    r"file (?:number|no\.?)|reference (?:number|no\.?)|customer (?:id|number|no\.?)|employee (?:id|number|no\.?)|"
    r"student (?:id|number)|passport (?:number|no\.?)|licen[cs]e (?:number|no\.?)|tax id|national id|"
    r"id (?:number|no\.?)|health (?:card|insurance) (?:number|no\.?)"
)
# A token that contains a digit: letters, digits and inner separators ("RMH-0048-2913", "A1234567").
_ID_VALUE = r"(?=[A-Za-z0-9/:.-]*\d)[A-Za-z0-9](?:[A-Za-z0-9]|[-/.:](?=[A-Za-z0-9])){3,29}"

_TLDS = r"com|org|net|edu|gov|mil|int|io|co|uk|de|fr|es|it|nl|be|ch|at|se|no|dk|fi|pl|ie|ca|au|nz|in|jp|br|info|biz|me|us"
_AT = r"(?:\s*[\[({<]\s*at\s*[\])}>]\s*|\s+at\s+)"
_DOT = r"(?:\s*[\[({<]\s*dot\s*[\])}>]\s*|\s+dot\s+|\.)"
_PART = r"[A-Za-z0-9][A-Za-z0-9_+-]*"


class LabelledIdentifierRecognizer(PatternRecognizer):
    """The value after an identifier label: record, account, policy, claim, member, case numbers."""

    def __init__(self) -> None:
        # Presidio matches with the `regex` module, which allows this variable-width look-behind.
        pattern = rf"(?<=(?i:\b(?:{_ID_LABELS}))[:#]?\s*(?:#\s*)?){_ID_VALUE}\b"
        super().__init__(supported_entity="ID_NUMBER", name="LabelledIdentifierRecognizer",
                         patterns=[Pattern("labelled identifier", pattern, 0.7)],
                         global_regex_flags=0)


class ObfuscatedEmailRecognizer(PatternRecognizer):
    """"jane dot doe at example dot com", "jane(at)example(dot)org": addresses written to dodge filters."""

    def __init__(self) -> None:
        pattern = rf"\b{_PART}(?:{_DOT}{_PART})*{_AT}{_PART}(?:{_DOT}{_PART})*{_DOT}(?i:{_TLDS})\b"
        super().__init__(supported_entity="EMAIL_ADDRESS", name="ObfuscatedEmailRecognizer",
                         patterns=[Pattern("obfuscated e-mail", pattern, 0.5)], global_regex_flags=0)

    def validate_result(self, pattern_text: str) -> bool:
        """Prose has " at " too ("meet at noon.com"? no): demand a spelled-out or bracketed marker."""
        lowered = pattern_text.lower()
        return "dot" in lowered or "(at)" in lowered or "[at]" in lowered or "<at>" in lowered


class SpacedEmailRecognizer(PatternRecognizer):
    """"j o h n . s m i t h @ g m a i l . c o m": one character at a time around an @."""

    def __init__(self) -> None:
        char = r"[A-Za-z0-9._+-]"
        pattern = rf"(?<![\w@])(?:{char} ){{2,}}@(?: {char}){{3,}}(?![\w@])"
        super().__init__(supported_entity="EMAIL_ADDRESS", name="SpacedEmailRecognizer",
                         patterns=[Pattern("spaced e-mail", pattern, 0.6)], global_regex_flags=0)


def record_recognizers() -> list:
    # MAC addresses need nothing here: Presidio's stock MacAddressRecognizer already finds them.
    return [LabelledIdentifierRecognizer(), ObfuscatedEmailRecognizer(), SpacedEmailRecognizer()]
