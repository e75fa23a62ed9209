"""Queue jobs: `GET /v1/jobs/{id}`, `veil jobs status --json` and `veil ingest --queue --json`."""

from __future__ import annotations

from api.schemas.base import Model


class JobFileOut(Model):
    index: int
    state: str  # queued | running | ingested | updated | unchanged | failed
    file: str | None  # the name as stored (redacted), once a worker has read the file
    doc_id: str | None
    chunks: int
    error: str | None
    attempts: int
    worker: str | None  # host:pid of the worker that took it last


class JobOut(Model):
    job: str
    state: str  # queued | running | done
    created_at: str
    collection: str
    totals: dict[str, int]
    files: list[JobFileOut]


class JobQueued(Model):
    job: str
    files: int  # tasks queued, one per file
