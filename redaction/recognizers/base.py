"""Shared shape of Veil's regex recognizers: one entity from one compiled pattern."""

from __future__ import annotations

import re

from presidio_analyzer import EntityRecognizer, RecognizerResult


def result(recognizer: EntityRecognizer, entity: str, start: int, end: int, score: float) -> RecognizerResult:
    """A RecognizerResult that names the recognizer (the audit log and label resolution read it)."""
    return RecognizerResult(entity, start, end, score,
                            recognition_metadata={"recognizer_name": recognizer.name,
                                                  "recognizer_identifier": recognizer.id})


DEFAULT_LANGUAGE = "en"  # redaction.language's default; the registry hands over the configured one


class VeilRecognizer(EntityRecognizer):
    """Base of Veil's own recognizers that are not Presidio pattern recognizers: nothing to load, and
    the language they serve is `redaction.language`, set by the registry (`veil_recognizers`) on these
    and on the pattern recognizers alike."""

    def __init__(self, entities: list[str], name: str | None = None) -> None:
        super().__init__(supported_entities=entities, name=name or type(self).__name__,
                         supported_language=DEFAULT_LANGUAGE)

    def load(self) -> None:
        pass


class RegexRecognizer(VeilRecognizer):
    """One entity from one compiled regex; the 'value…' group that matched (or the whole match) is the span."""

    ENTITY = ""
    PATTERN: re.Pattern
    SCORE = 0.5

    def __init__(self) -> None:
        super().__init__([self.ENTITY])

    def accept(self, value: str) -> bool:
        return True

    def accept_group(self, group: str | int, value: str) -> bool:
        """Where the alternatives of the pattern need different evidence: `group` names the one that matched."""
        return self.accept(value)

    def analyze(self, text, entities, nlp_artifacts=None):
        results = []
        groups = [g for g in self.PATTERN.groupindex if g.startswith("value")] or [0]
        for match in self.PATTERN.finditer(text):
            group = next((g for g in groups if match.group(g)), groups[0])  # the alternative that matched
            if match.group(group) and self.accept_group(group, match.group(group)):
                results.append(result(self, self.ENTITY, match.start(group), match.end(group), self.SCORE))
        return results
