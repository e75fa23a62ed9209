"""Documents, uploads, collections and the export: `/v1/documents`, `/v1/collections`, `/v1/export`,
`veil ingest --json` and `veil export`."""

from __future__ import annotations

from pydantic import AliasChoices, Field, field_validator

from api.schemas.base import Model


class FileResultOut(Model):
    """One file of an ingest (`ingest.pipeline.FileResult`). The defaults let a terse server answer parse."""

    path: str
    status: str  # ingested | unchanged | updated | deleted | erased | failed | unreachable
    chunks: int = 0
    error: str | None = None
    doc_id: str | None = None
    redactions: dict[str, int] = Field(default_factory=dict)


class IngestReportOut(Model):
    """`ingest.pipeline.IngestReport`: every file, then the totals per status, chunks and redactions."""

    files: list[FileResultOut]
    totals: dict[str, int]

    @field_validator("totals", mode="before")
    @classmethod
    def _computed(cls, value):
        return value() if callable(value) else value  # IngestReport.totals is a method


class DocumentOut(Model):
    """`core.types.DocumentInfo`: a stored document (its name redacted, never its absolute path)."""

    doc_id: str
    collection: str
    source: str
    content_hash: str
    ingested_at: str
    chunks: int
    redactions: dict[str, int]
    groups: list[str]
    policy: str = "default"  # the redaction policy's label it was redacted under


class DocumentList(Model):
    documents: list[DocumentOut]


class Deleted(Model):
    deleted: str  # the document's id
    chunks: int


class CollectionOut(Model):
    name: str
    chunks: int
    documents: int


class CollectionList(Model):
    collections: list[CollectionOut]


class StoredChunkOut(Model):
    """One line of the export (`core.types.StoredChunk`): exactly what the store holds."""

    chunk_id: str
    text: str
    metadata: dict = Field(validation_alias=AliasChoices("payload", "metadata"))  # the stored payload
