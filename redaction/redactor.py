"""The document redactor: detection (any detector) separate from transformation (a policy)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from core.types import Redacted
from redaction.base import Detector
from redaction.casing import drop_common_words
from redaction.credentials import drop_credentials
from redaction.durations import drop_durations
from redaction.operators import ReplacementPolicy
from redaction.placeholders import PlaceholderBook
from redaction.propagation import propagate
from redaction.spans import Detection, apply_placeholders, merge_overlaps
from redaction.vault import PseudonymVault


def document_pass(texts: Sequence[str], detections: Sequence[Sequence[Detection]]) -> list[list[Detection]]:
    """What needs the whole document: drop durations, credentials and capitalised common words,
    then spread what is left."""
    kept = drop_credentials(texts, drop_durations(texts, detections))
    return propagate(texts, drop_common_words(texts, kept))


class DocumentRedactor:
    """Redacts the texts of ONE document: propagation and placeholder numbering span the batch."""

    def __init__(self, detector: Detector, policy: ReplacementPolicy,
                 hash_value: Callable[[str], str] | None = None, vault: PseudonymVault | None = None) -> None:
        self._detector, self._policy, self._hash_value = detector, policy, hash_value
        self._vault = vault

    def redact(self, texts: Sequence[str], scope: str | None = None) -> list[Redacted]:
        """`scope` (the document id) files the pseudonyms in the vault, when one is configured."""
        book = PlaceholderBook()
        detections = document_pass(texts, self._detector.detect(texts))
        out = [apply_placeholders(t, d, book, self._policy, self._hash_value) for t, d in zip(texts, detections)]
        if self._vault is not None and scope is not None:
            self._vault.store(scope, book.originals())
        return out

    def ranges(self, texts: Sequence[str]) -> list[list[tuple[int, int]]]:
        """What would be redacted, each text a document of its own (evaluation); detection stays batched."""
        found = self._detector.detect(texts)
        return [[(d.start, d.end) for d in merge_overlaps(document_pass([text], [dets])[0])]
                for text, dets in zip(texts, found)]
