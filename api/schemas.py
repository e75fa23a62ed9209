"""Response models of the REST API: every route declares one, so /openapi.json says what comes back.
They mirror the JSON shapes of `api/serialize.py` (the CLI's --json output)."""

from __future__ import annotations

from pydantic import BaseModel


class FileResultOut(BaseModel):
    path: str
    status: str
    chunks: int
    error: str | None
    doc_id: str | None
    redactions: dict[str, int]


class IngestReportOut(BaseModel):
    files: list[FileResultOut]
    totals: dict[str, int]


class DocumentOut(BaseModel):
    doc_id: str
    collection: str
    source: str
    content_hash: str
    ingested_at: str
    chunks: int
    redactions: dict[str, int]
    groups: list[str]


class DocumentList(BaseModel):
    documents: list[DocumentOut]


class Deleted(BaseModel):
    deleted: str
    chunks: int


class CitationOut(BaseModel):
    document: str
    page: int | None
    chunk_id: str
    score: float
    text: str
    doc_id: str
    source: str
    start: int | None
    end: int | None


class AnswerOut(BaseModel):
    answer: str
    route: str
    mode: str
    reason: str
    citations: list[CitationOut]
    outbound: str | None


class CollectionOut(BaseModel):
    name: str
    chunks: int
    documents: int


class CollectionList(BaseModel):
    collections: list[CollectionOut]


class Health(BaseModel):
    status: str


class Ready(BaseModel):
    status: str
    collections: int
