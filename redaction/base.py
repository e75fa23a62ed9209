from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from core.types import Redacted
from redaction.policies import RedactionPolicy
from redaction.spans import DetectedDocument, Detection


class Redactor(Protocol):
    """Replaces personal data in a batch of texts that belong to ONE document.

    Placeholders are consistent across the batch (`<PERSON_1>` is the same person throughout)
    and start afresh with the next call, so two documents never share a numbering. `scope` names
    the document, for redactors that keep reversible pseudonyms (the vault).
    """

    def redact(self, texts: Sequence[str], scope: str | None = None) -> list[Redacted]: ...

    def redact_documents(self, documents: Sequence[tuple[Sequence[str], str | None]],
                         policies: Sequence[RedactionPolicy] | None = None,
                         detected: Sequence[DetectedDocument | None] | None = None) -> list[list[Redacted]]:
        """Several documents (texts, scope) at once: what `redact` gives each, with detection batched
        across them (the NER model reads many small files faster in one batch). `policies`: one per
        document, which of its detections are replaced (default: every one, `redaction.policies`).
        `detected`: per document, detection already made on these very texts in another process (the
        parsing workers), or None; a redactor that does not detect may ignore it."""
        ...


class Detector(Protocol):
    """Finds personal data; says nothing about what replaces it. One detection list per text."""

    def detect(self, texts: Sequence[str]) -> list[list[Detection]]: ...

    def detect_capitalised(self, texts: Sequence[str]) -> list[list[Detection]]:
        """Only identifiers whose formats are written in capitals (plates, postcodes, NINOs), read
        from text as written: the redactor calls it on one-case originals it analysed re-cased."""
        ...
