"""What the evaluations share: the pipeline that writes their throw-away collection, with or without
redaction (`--no-redact` measures what redaction costs)."""

from __future__ import annotations

from collections.abc import Sequence

from core.types import Redacted


class KeepText:
    """A redactor that changes nothing: measures retrieval and answers without redaction (`--no-redact`)."""

    def redact(self, texts: Sequence[str], scope: str | None = None) -> list[Redacted]:
        return [Redacted(t) for t in texts]

    def redact_documents(self, documents: Sequence[tuple[Sequence[str], str | None]],
                         policies=None, detected=None) -> list[list[Redacted]]:
        return [self.redact(texts) for texts, _ in documents]


def eval_pipeline(veil, redact: bool):
    """Veil's own ingest pipeline, or the same one with redaction skipped (nothing else changes)."""
    from ingest.pipeline import IngestPipeline

    if redact:
        return veil.pipeline
    settings = veil.settings
    return IngestPipeline(veil.parser, KeepText(), veil.embedder, veil.store, veil.registry, settings.chunking,
                          settings.parsing.max_file_mb * 1_000_000)
