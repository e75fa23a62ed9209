"""Payment cards and bank accounts, justified by their CHECKSUMS: Luhn for cards, ISO 13616 mod-97
for IBANs. Any separator style and case; the checksum decides, so shape alone never redacts."""

from __future__ import annotations

import re

from presidio_analyzer import Pattern, PatternRecognizer

_SEPARATORS = re.compile(r"[\s.()/-]")


def digits_of(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def luhn_valid(number: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def iban_valid(candidate: str) -> bool:
    """ISO 13616: move the first four characters to the end, letters to numbers, mod 97 == 1."""
    iban = re.sub(r"[\s-]", "", candidate).upper()
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}", iban):
        return False
    rearranged = iban[4:] + iban[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


class LuhnCardRecognizer(PatternRecognizer):
    """12-19 digits, plain or in space/dash groups, that pass the Luhn check."""

    def __init__(self) -> None:
        super().__init__(
            supported_entity="CREDIT_CARD",
            name="LuhnCardRecognizer",
            patterns=[Pattern("card digits", r"(?<![\w.-])\d{4}(?:[ -]?\d{1,7}){1,4}(?![\w-]|\.\d)", 0.3)],
            context=["card", "credit", "debit", "visa", "mastercard", "amex", "cc", "pan"],
        )

    def validate_result(self, pattern_text: str) -> bool:
        digits = digits_of(pattern_text)
        separators = set(re.findall(r"[ -]", pattern_text))
        return 12 <= len(digits) <= 19 and len(separators) <= 1 and luhn_valid(digits)


class VeilIbanRecognizer(PatternRecognizer):
    """Any country's IBAN, upper or lower case, compact or in groups of four."""

    def __init__(self) -> None:
        super().__init__(
            supported_entity="IBAN_CODE",
            name="VeilIbanRecognizer",
            patterns=[Pattern("iban compact", r"\b[A-Za-z]{2}\d{2}[A-Za-z0-9]{11,30}\b", 0.3),
                      Pattern("iban grouped", r"\b[A-Za-z]{2}\d{2}(?:[ -][A-Za-z0-9]{4}){2,7}(?:[ -][A-Za-z0-9]{1,3})?(?!\w)", 0.3)],
            context=["iban", "bank", "account", "transfer", "payment"],
        )

    def validate_result(self, pattern_text: str) -> bool:
        return iban_valid(pattern_text)
