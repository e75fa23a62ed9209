"""Ages, justified by a CUE: the number in "42 years old", "aged 42", "turned 42", in digits or in words
("aged ninety-four": an age over 89 is an identifier under HIPAA however it is written)."""

from __future__ import annotations

from presidio_analyzer import Pattern, PatternRecognizer

from core.vocabulary.numbers import NUMBER_IN_WORDS


class AgeRecognizer(PatternRecognizer):
    """The number in "42 years old", "42-year-old", "aged 42", "age: 42", "turned 42" (in words too,
    except after "turned", which English also writes of pages and corners)."""

    def __init__(self) -> None:
        number = rf"(?:1[01]\d|\d{{1,2}}|{NUMBER_IN_WORDS})"
        digits = r"(?:1[01]\d|\d{1,2})"
        patterns = [
            Pattern("n years old", rf"(?i)\b{number}(?=[\s-]*(?:years?|yrs?|y)[\s-]*(?:old|of age)\b|"
                                   rf"[\s-]*(?:yo|y/o|y\.o\.)\b|[\s-]+years?[\s-]+old)", 0.6),
            Pattern("aged n", rf"(?i)(?<=\baged\s)\s*{number}\b|(?<=\bage\s)\s*{number}\b|"
                              rf"(?<=\bage:\s)\s*{number}\b|(?<=\bage of\s)\s*{number}\b", 0.6),
            Pattern("turned n", rf"(?i)(?<=\bturn\s)\s*{digits}\b|(?<=\bturns\s)\s*{digits}\b|(?<=\bturned\s)\s*{digits}\b|"
                                rf"(?<=\bturning\s)\s*{digits}\b", 0.5),
        ]
        super().__init__(supported_entity="AGE", name="AgeRecognizer", patterns=patterns)
