"""Pseudonyms for what a request sends out: the question and chat history of ONE request.

The same detection as storage (the configured detector, threshold and document pass) finds the
personal data; each value becomes a `<TYPE_N>` token numbered after the numbers the prompt's
sources already use, so a question's person never looks like a source's. Every request gets its
own book: two concurrent requests never share a mapping. Raw values live in that book, in memory,
for the request's lifetime only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from core.placeholders import PLACEHOLDER
from redaction.redactor import DocumentRedactor
from redaction.transform.placeholders import PlaceholderBook
from redaction.transform.splice import apply_placeholders


class PseudonymBook:
    def __init__(self, redactor: DocumentRedactor, reserved: Mapping[str, int]) -> None:
        self._redactor = redactor
        self._book = PlaceholderBook(reserved)
        self._counts: Counter[str] = Counter()

    def pseudonymise(self, texts: Sequence[str]) -> list[str]:
        """All texts as one document: a name in the history and the question gets one token."""
        out = []
        for text, found in zip(texts, self._redactor.detections(texts)):
            redacted = apply_placeholders(text, found, self._book)
            self._counts.update(span.entity_type for span in redacted.spans)
            out.append(redacted.text)
        return out

    def restore(self, text: str) -> str:
        """This request's tokens back to their values; any other token is left as it is."""
        originals = self._book.originals()
        return PLACEHOLDER.sub(lambda m: originals.get(m.group(), m.group()), text)

    def counts(self) -> dict[str, int]:
        return dict(self._counts)


class Pseudonymiser:
    def __init__(self, redactor: DocumentRedactor) -> None:
        self._redactor = redactor

    def session(self, reserved: Mapping[str, int]) -> PseudonymBook:
        return PseudonymBook(self._redactor, reserved)
