from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import PurePath
from typing import Annotated

from fastapi import APIRouter, File, Form, HTTPException, Query, UploadFile
from fastapi.responses import StreamingResponse

from api.auth.principals import AdminDep, ReaderDep
from api.deps import KnownFormFields, KnownQueryParams, MetricsDep, VeilDep
from api.schemas.documents import (CollectionList, CollectionOut, Deleted, DocumentList, DocumentOut,
                                   IngestReportOut, StoredChunkOut)
from core.errors import NotFoundError, VeilError
from core.settings import COLLECTION_NAME, PolicyName
from ingest.pipeline import FileResult, IngestReport, reader_groups

router = APIRouter(prefix="/v1", tags=["documents"], dependencies=[KnownQueryParams])
CollectionParam = Annotated[str | None, Query(pattern=COLLECTION_NAME)]


@router.post("/documents", response_model=IngestReportOut)
def upload_documents(
    veil: VeilDep,
    _: AdminDep,
    metrics: MetricsDep,
    __: KnownFormFields,
    files: Annotated[list[UploadFile], File(description="documents to parse, redact and index")],
    collection: Annotated[str | None, Form(pattern=COLLECTION_NAME)] = None,
    source: Annotated[list[str] | None, Form(description="client-side path of each file (its identity)")] = None,
    name: Annotated[list[str] | None, Form(description="name to store for each file (default: its file name)")] = None,
    groups: Annotated[list[str] | None, Form(description="groups allowed to read these files (default: everyone)")] = None,
    policy: Annotated[PolicyName | None, Form(
        description="the collection's redaction policy from now on: default | hipaa-safe-harbor | gdpr | "
                    "people-only (left out: the collection's stays)")] = None,
    allow: Annotated[list[str] | None, Form(description="terms never masked in the collection (replaces the list)")] = None,
    deny: Annotated[list[str] | None, Form(description="terms always masked in the collection (replaces the list)")] = None,
) -> IngestReportOut:
    """Ingest uploaded files. Per-file results: one broken file never fails the others. The request is
    checked (collection, groups, fields) before any file is read; queries wait only for the store write.
    `policy`, `allow` and `deny` state the collection's redaction policy anew, as `veil ingest` does (any
    one of them: the name, kept when left out, and both lists, empty when left out); its other documents
    are redacted again by `veil ingest --sync` from their folders."""
    collection = collection or veil.settings.default_collection
    readers = _readers(groups)
    if policy is not None or allow or deny:
        _set_policy(veil, collection, policy, allow, deny)
    results = [_ingest_upload(veil, f, _nth(source, i), _nth(name, i), collection, readers)
               for i, f in enumerate(files)]
    report = IngestReport(tuple(results))
    metrics.ingest(report)
    return IngestReportOut.model_validate(report)


def _readers(groups: list[str] | None) -> tuple[str, ...]:
    try:
        return reader_groups(groups or ())
    except VeilError as exc:
        raise HTTPException(422, f"invalid request: groups: {exc}") from None


def _set_policy(veil, collection: str, policy: str | None, allow: list[str] | None, deny: list[str] | None) -> None:
    """Before any file is read: a bad term or a collection whose policy the config file sets is a 422."""
    try:
        veil.pipeline.policies.set(collection, policy, allow or (), deny or ())
    except VeilError as exc:
        raise HTTPException(422, f"invalid request: policy: {exc}") from None


def _nth(values: list[str] | None, index: int) -> str | None:
    return values[index] if values and index < len(values) else None


def _ingest_upload(veil, upload: UploadFile, source: str | None, stored_name: str | None,
                   collection: str, groups: tuple[str, ...]) -> FileResult:
    """The pipeline's stages, as `IngestPipeline.ingest_bytes` runs them, but only the write holds the
    store: parsing (sandboxed worker processes under parsing.timeout_s), redaction and embedding happen
    outside it, one upload at a time, while queries go on."""
    name = stored_name or PurePath(upload.filename or "upload").name
    data = upload.file.read()  # the body was capped (api.max_upload_mb) before it was read
    pipeline = veil.pipeline
    checked = pipeline.check(data, name, source or f"upload:{name}", collection, groups)
    if isinstance(checked, FileResult):
        return checked
    try:
        with veil.ingest_lock:
            prepared = pipeline.prepare(checked, veil.parser.parse(data, PurePath(checked.name).name))
            embedded = pipeline.embed_all([prepared])
        with veil.lock:
            return pipeline.write(prepared, embedded.vectors[0], embedded_with=embedded.identity)
    except Exception as exc:  # one broken file never stops the others
        return pipeline.failed(checked.name, exc, checked.doc_id)


@router.get("/documents", response_model=DocumentList)
def list_documents(veil: VeilDep, principal: ReaderDep, collection: CollectionParam = None) -> DocumentList:
    """The documents the caller may read (an admin: all)."""
    visible = [d for d in veil.registry.list(collection)
               if principal.is_admin or set(d.groups) & principal.groups]
    return DocumentList(documents=[DocumentOut.model_validate(d) for d in visible])


@router.delete("/documents/{doc_id}", response_model=Deleted)
def delete_document(veil: VeilDep, _: AdminDep, doc_id: str) -> Deleted:
    info = veil.registry.get(doc_id)
    if info is None:
        raise NotFoundError(f"no document with id {doc_id}")
    with veil.lock:
        removed = veil.pipeline.delete(info.collection, doc_id)
    return Deleted(deleted=doc_id, chunks=removed)


@router.get("/export", response_class=StreamingResponse,
            responses={200: {"content": {"application/x-ndjson": {
                "schema": StoredChunkOut.model_json_schema(mode="serialization")}},
                             "description": "JSON lines, one stored chunk each: {chunk_id, text, metadata}"}})
def export(veil: VeilDep, _: AdminDep, collection: CollectionParam = None) -> StreamingResponse:
    """Every stored chunk as JSON lines: exactly what the store holds."""
    name = collection or veil.settings.default_collection
    with veil.lock:
        known = name in veil.store.collections()
    if not known:
        raise NotFoundError(f"no collection named {name}")

    def lines() -> Iterator[str]:
        with veil.lock:
            for chunk in veil.store.iter_chunks(name):
                yield json.dumps(StoredChunkOut.model_validate(chunk).model_dump(mode="json"), ensure_ascii=False) + "\n"

    return StreamingResponse(lines(), media_type="application/x-ndjson")


@router.get("/collections", response_model=CollectionList)
def collections(veil: VeilDep, _: AdminDep) -> CollectionList:
    """Every collection with its chunks and documents."""
    documents = veil.registry.list()
    with veil.lock:
        names = veil.store.collections()
        counts = {name: veil.store.count(name) for name in names}
    return CollectionList(collections=[
        CollectionOut(name=n, chunks=counts[n], documents=sum(d.collection == n for d in documents))
        for n in sorted(names)])
