from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import PurePath
from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile
from fastapi.responses import StreamingResponse

from api import serialize
from api.auth.principals import AdminDep, ReaderDep
from api.deps import MetricsDep, VeilDep
from api.schemas import CollectionList, Deleted, DocumentList, IngestReportOut
from core.errors import NotFoundError, VeilError
from ingest.pipeline import FileResult, IngestReport

router = APIRouter(prefix="/v1", tags=["documents"])


@router.post("/documents", response_model=IngestReportOut)
def upload_documents(
    veil: VeilDep,
    _: AdminDep,
    metrics: MetricsDep,
    files: Annotated[list[UploadFile], File(description="documents to parse, redact and index")],
    collection: Annotated[str | None, Form()] = None,
    source: Annotated[list[str] | None, Form(description="client-side path of each file (its identity)")] = None,
    name: Annotated[list[str] | None, Form(description="name to store for each file (default: its file name)")] = None,
    groups: Annotated[list[str] | None, Form(description="groups allowed to read these files (default: everyone)")] = None,
) -> dict:
    """Ingest uploaded files. Per-file results: one broken file never fails the others."""
    collection = collection or veil.settings.default_collection
    readers = tuple(groups or ())
    results = [_ingest_upload(veil, f, _nth(source, i), _nth(name, i), collection, readers)
               for i, f in enumerate(files)]
    report = IngestReport(tuple(results))
    metrics.ingest(report)
    return serialize.ingest_report(report)


def _nth(values: list[str] | None, index: int) -> str | None:
    return values[index] if values and index < len(values) else None


def _ingest_upload(veil, upload: UploadFile, source: str | None, stored_name: str | None,
                   collection: str, groups: tuple[str, ...]) -> FileResult:
    name = stored_name or PurePath(upload.filename or "upload").name
    limit = veil.settings.api.max_upload_mb * 1_000_000
    data = upload.file.read(limit + 1)
    if len(data) > limit:
        return FileResult(name, "failed", error=f"file is over the {veil.settings.api.max_upload_mb} MB upload limit")
    key = source or f"upload:{name}"
    with veil.lock:
        return veil.pipeline.ingest_bytes(data, name=name, source_key=key, collection=collection, groups=groups)


@router.get("/documents", response_model=DocumentList)
def list_documents(veil: VeilDep, principal: ReaderDep, collection: str | None = None) -> dict:
    """The documents the caller may read (an admin: all)."""
    visible = [d for d in veil.registry.list(collection)
               if principal.is_admin or set(d.groups) & principal.groups]
    return {"documents": [serialize.document(d) for d in visible]}


@router.delete("/documents/{doc_id}", response_model=Deleted)
def delete_document(veil: VeilDep, _: AdminDep, doc_id: str) -> dict:
    info = veil.registry.get(doc_id)
    if info is None:
        raise NotFoundError(f"no document with id {doc_id}")
    with veil.lock:
        removed = veil.pipeline.delete(info.collection, doc_id)
    return {"deleted": doc_id, "chunks": removed}


@router.get("/export", response_class=StreamingResponse,
            responses={200: {"content": {"application/x-ndjson": {}},
                             "description": "JSON lines {chunk_id, text, metadata}"}})
def export(veil: VeilDep, _: AdminDep, collection: str | None = None) -> StreamingResponse:
    """Every stored chunk as JSON lines: exactly what the store holds."""
    name = collection or veil.settings.default_collection
    if name not in veil.store.collections():
        raise VeilError(f"no collection named {name}")

    def lines() -> Iterator[str]:
        with veil.lock:
            for chunk in veil.store.iter_chunks(name):
                yield json.dumps(serialize.stored_chunk(chunk), ensure_ascii=False) + "\n"

    return StreamingResponse(lines(), media_type="application/x-ndjson")


@router.get("/collections", response_model=CollectionList)
def collections(veil: VeilDep, _: AdminDep) -> dict:
    """Every collection with its chunks and documents."""
    documents = veil.registry.list()
    with veil.lock:
        names = veil.store.collections()
        counts = {name: veil.store.count(name) for name in names}
    return {"collections": [{"name": n, "chunks": counts[n], "documents": sum(d.collection == n for d in documents)}
                            for n in sorted(names)]}
