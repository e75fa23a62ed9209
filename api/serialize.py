"""The JSON shapes Veil promises (CLI --json and REST share them)."""

from __future__ import annotations

from dataclasses import asdict

from core.types import Answer, DocumentInfo, StoredChunk
from ingest.pipeline import FileResult, IngestReport


def file_result(result: FileResult) -> dict:
    return {"path": result.path, "status": result.status, "chunks": result.chunks, "error": result.error,
            "doc_id": result.doc_id, "redactions": result.redactions}


def ingest_report(report: IngestReport) -> dict:
    return {"files": [file_result(r) for r in report.files], "totals": report.totals()}


def answer(value: Answer) -> dict:
    return {"answer": value.answer, "route": value.route, "mode": value.mode, "reason": value.reason,
            "citations": [asdict(c) for c in value.citations], "outbound": value.outbound}


def document(info: DocumentInfo) -> dict:
    return asdict(info)


def stored_chunk(chunk: StoredChunk) -> dict:
    return {"chunk_id": chunk.chunk_id, "text": chunk.text, "metadata": chunk.payload}


def file_result_from(data: dict) -> FileResult:
    """The inverse of file_result, for reports that come back from a server."""
    return FileResult(data["path"], data["status"], data.get("chunks", 0), data.get("error"),
                      data.get("doc_id"), data.get("redactions") or {})
