"""Response models of the REST API: every route declares one, so /openapi.json says what comes back.
They mirror the JSON shapes of `api/serialize.py` (the CLI's --json output); domain dataclasses
(`DocumentInfo`, `Citation`) serve as they are."""

from __future__ import annotations

from pydantic import BaseModel

from core.types import Citation, DocumentInfo


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


class DocumentList(BaseModel):
    documents: list[DocumentInfo]


class Deleted(BaseModel):
    deleted: str
    chunks: int


class AnswerOut(BaseModel):
    answer: str
    route: str
    mode: str
    reason: str
    citations: list[Citation]
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


class JobFileOut(BaseModel):
    index: int
    state: str  # queued | running | ingested | updated | unchanged | failed
    file: str | None  # the name as stored (redacted), once a worker has read the file
    doc_id: str | None
    chunks: int
    error: str | None
    attempts: int
    worker: str | None  # host:pid of the worker that took it last


class JobOut(BaseModel):
    job: str
    state: str  # queued | running | done
    created_at: str
    collection: str
    totals: dict[str, int]
    files: list[JobFileOut]
