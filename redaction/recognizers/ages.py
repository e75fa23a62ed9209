"""Ages, justified by a CUE: the number in "42 years old", "aged 42", "turned 42"."""

from __future__ import annotations

from presidio_analyzer import Pattern, PatternRecognizer


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
