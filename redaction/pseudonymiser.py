"""Pseudonyms for what a request sends out: the question and chat history of ONE request.

The same detection as storage (the configured detector, threshold and document pass) finds the
personal data; each value becomes a `<TYPE_N>` token numbered after the numbers the prompt's
sources already use, so a question's person never looks like a source's. Every request gets its
own book: two concurrent requests never share a mapping. Raw values live in that book, in memory,
for the request's lifetime only. What the egress guard still finds in the outbound request (a
source's word storage missed) gets its token from the same book (`token`).
"""

from __future__ import annotations

import re
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
        for text, found in zip(texts, self._redactor.detections([as_typed(t) for t in texts])):
            redacted = apply_placeholders(text, found, self._book)
            self._counts.update(span.entity_type for span in redacted.spans)
            out.append(redacted.text)
        return out

    def token(self, entity_type: str, value: str) -> str:
        """The token for one value the egress guard found in the outbound request: from this book,
        so it is consistent with the question's tokens and restored like them."""
        token = self._book.token_for(entity_type, value)
        self._counts[entity_type] += 1
        return token

    def restore(self, text: str) -> str:
        """This request's tokens back to their values; any other token is left as it is."""
        originals = self._book.originals()
        return PLACEHOLDER.sub(lambda m: originals.get(m.group(), m.group()), text)

    def counts(self) -> dict[str, int]:
        return dict(self._counts)


_SENTENCE_START = re.compile(r"(?:^|[.!?]\s+)[\"'“‘(]*([A-Z])")
_PRONOUN_I = re.compile(r"(?<![\w'’])I(?![\w])")


def as_typed(text: str) -> str:
    """A question typed in lower case but for the capital each sentence starts with ("Which run can
    dimitrios papadakis take?") is lower-case text: shown to the detector with those capitals lowered
    (same length), so the redactor re-cases it as it re-cases any one-case text and finds the names."""
    starts = {m.start(1) for m in _SENTENCE_START.finditer(text)} | {m.start() for m in _PRONOUN_I.finditer(text)}
    capitals = [i for i, ch in enumerate(text) if ch.isupper()]
    if not capitals or any(i not in starts for i in capitals):
        return text
    return "".join(ch.lower() if i in starts else ch for i, ch in enumerate(text))


class Pseudonymiser:
    def __init__(self, redactor: DocumentRedactor) -> None:
        self._redactor = redactor

    def session(self, reserved: Mapping[str, int]) -> PseudonymBook:
        return PseudonymBook(self._redactor, reserved)
