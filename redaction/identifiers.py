"""Structured identifiers: shape + checksum or context, in any common separator style.

Presidio's stock card, IBAN and phone recognizers miss spaced/lower-case forms and most non-US
phone layouts; these replace them. A checksum (Luhn, mod-97) decides where there is one.
"""

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


_PHONE = (
    r"(?<![\w+/.-])"
    r"(?:\+\s?\d{1,3}[\s.-]?|00\d{1,3}[\s.-])?"        # country code
    r"(?:\(0\)\s?)?"                                     # trunk prefix shown as (0)
    r"(?:\(\d{1,5}\)[\s.-]?)?"                          # area code in parentheses
    r"\d{1,8}(?:[ .-]\d{1,8}){0,5}"                      # digit groups
    r"(?:\s?(?:x|ext\.?|extension)\s?\d{1,6})?"          # extension
    r"(?![\w/]|-\d|\.\d)"
)
_DATE_LIKE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$|^\d{1,2}[./-]\d{1,2}[./-](?:\d{2}|\d{4})$|^\d{4}[./]\d{1,2}[./]\d{1,2}$")


class VeilPhoneRecognizer(PatternRecognizer):
    """Phone numbers in national and international layouts (7-15 digits with visible grouping)."""

    def __init__(self) -> None:
        super().__init__(
            supported_entity="PHONE_NUMBER",
            name="VeilPhoneRecognizer",
            patterns=[Pattern("phone shape", _PHONE, 0.4),
                      # an unbroken run of digits needs a context word ("phone", "call") to count
                      Pattern("phone digits", r"(?<![\w+/.-])\+?\d{9,15}(?![\w/]|-\d|\.\d)", 0.1)],
            context=["phone", "telephone", "tel", "mobile", "cell", "call", "fax", "number", "contact",
                     "reach", "dial", "whatsapp", "sms", "text"],
        )

    def validate_result(self, pattern_text: str) -> bool | None:
        core = re.split(r"\s?(?:x|ext)", pattern_text, maxsplit=1)[0]
        digits = digits_of(core)
        if not 7 <= len(digits) <= 15 or _DATE_LIKE.match(pattern_text.strip()):
            return False
        if re.fullmatch(r"\d{1,3}(?:\.\d{1,3}){3}", core):
            return False  # IPv4
        return None


class DashedSsnRecognizer(PatternRecognizer):
    """AAA-GG-SSSS with the area/group/serial rules of the SSA; the dashed shape is rarely anything else."""

    def __init__(self) -> None:
        super().__init__(
            supported_entity="US_SSN",
            name="DashedSsnRecognizer",
            patterns=[Pattern("dashed ssn", r"\b(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}\b", 0.5)],
            context=["ssn", "social", "security", "ss#", "ssn#"],
        )


class AgeRecognizer(PatternRecognizer):
    """The number in "42 years old", "42-year-old", "aged 42", "age: 42", "turned 42"."""

    def __init__(self) -> None:
        number = r"(?:1[01]\d|\d{1,2})"
        patterns = [
            Pattern("n years old", rf"(?i)\b{number}(?=[\s-]*(?:years?|yrs?|y)[\s-]*(?:old|of age)\b|"
                                   rf"[\s-]*(?:yo|y/o|y\.o\.)\b|[\s-]+years?[\s-]+old)", 0.6),
            Pattern("aged n", rf"(?i)(?<=\baged\s)\s*{number}\b|(?<=\bage\s)\s*{number}\b|"
                              rf"(?<=\bage:\s)\s*{number}\b|(?<=\bage of\s)\s*{number}\b", 0.6),
            Pattern("turned n", rf"(?i)(?<=\bturn\s)\s*{number}\b|(?<=\bturns\s)\s*{number}\b|(?<=\bturned\s)\s*{number}\b|"
                                rf"(?<=\bturning\s)\s*{number}\b", 0.5),
        ]
        super().__init__(supported_entity="AGE", name="AgeRecognizer", patterns=patterns)


_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
          r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_WEEKDAY = r"(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs)?|Fri|Sat(?:ur)?|Sun)day"
_TIME = r"(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d)?(?:\s?[AaPp]\.?[Mm]\.?)?"


class VeilDateRecognizer(PatternRecognizer):
    """Numeric and written dates, ISO timestamps, weekdays and four-digit years (spaCy misses many)."""

    def __init__(self) -> None:
        patterns = [
            Pattern("iso timestamp", rf"\b\d{{4}}-\d{{1,2}}-\d{{1,2}}(?:[T ]{_TIME}(?:Z|[+-]\d\d:?\d\d)?)?\b", 0.6),
            Pattern("numeric date", r"\b\d{1,2}[./-]\d{1,2}[./-](?:19|20)?\d\d\b", 0.5),
            Pattern("written date", rf"(?i)\b(?:\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?:,?\s+\d{{4}})?|"
                                    rf"{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?|{_MONTH}\s+\d{{4}})\b", 0.6),
            Pattern("weekday", rf"(?i)\b{_WEEKDAY}\b", 0.5),
            Pattern("year", r"\b(?:1[89]|20)\d\d\b(?!\s?(?:mg|ml|kg|g|m|km|cm|mm|%|\$|€|units?)\b)(?![-./]\d)", 0.4),
            Pattern("time", rf"\b{_TIME}\b", 0.4),
        ]
        super().__init__(supported_entity="DATE_TIME", name="VeilDateRecognizer", patterns=patterns)


class ZipCodeRecognizer(PatternRecognizer):
    """A postal code after a cue ("ZIP: 3962", "postcode SW1A 1AA", "my zip code is 2200")."""

    def __init__(self) -> None:
        code = r"(?:\d{3,6}(?:-\d{3,4})?|\d{3} \d{2}|\d{4} ?[A-Z]{2}|[A-Z]\d[A-Z] ?\d[A-Z]\d|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2})"
        cue = r"(?i:zip|zip code|zipcode|postal code|postcode|post code|plz|cep)"
        super().__init__(
            supported_entity="ZIP_CODE", name="ZipCodeRecognizer",
            patterns=[Pattern("cued postcode", rf"(?<={cue}:\s)\s*{code}\b|(?<={cue} is\s)\s*{code}\b|"
                                               rf"(?<={cue}\s)\s*{code}\b", 0.6)],
        )


def identifier_recognizers() -> list:
    return [LuhnCardRecognizer(), VeilIbanRecognizer(), VeilPhoneRecognizer(), DashedSsnRecognizer(),
            AgeRecognizer(), VeilDateRecognizer(), ZipCodeRecognizer()]
