"""The document redactor: detection (any detector) separate from transformation (a policy)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from core.types import Redacted
from redaction.operators import ReplacementPolicy
from redaction.placeholders import PlaceholderBook
from redaction.propagation import propagate
from redaction.spans import Detection, apply_placeholders
from redaction.vault import PseudonymVault


class Detector(Protocol):
    def detect(self, texts: Sequence[str]) -> list[list[Detection]]: ...


class DocumentRedactor:
    """Redacts the texts of ONE document: propagation and placeholder numbering span the batch."""

    def __init__(self, detector: Detector, policy: ReplacementPolicy,
                 hash_value: Callable[[str], str] | None = None, vault: PseudonymVault | None = None) -> None:
        self._detector, self._policy, self._hash_value = detector, policy, hash_value
        self._vault = vault

    def redact(self, texts: Sequence[str], scope: str | None = None) -> list[Redacted]:
        """`scope` (the document id) files the pseudonyms in the vault, when one is configured."""
        book = PlaceholderBook()
        detections = propagate(texts, self._detector.detect(texts))
        out = [apply_placeholders(t, d, book, self._policy, self._hash_value) for t, d in zip(texts, detections)]
        if self._vault is not None and scope is not None:
            self._vault.store(scope, book.originals())
        return out
