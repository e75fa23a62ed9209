"""GET /v1/jobs/{id}: a queue job's progress per file (what `veil jobs status` prints)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from api.auth.principals import AdminDep
from api.deps import KnownQueryParams
from api.schemas.jobs import JobOut
from core.errors import NotFoundError

router = APIRouter(prefix="/v1", tags=["jobs"], dependencies=[KnownQueryParams])


@router.get("/jobs/{job_id}", response_model=JobOut)
def job_status(job_id: str, request: Request, _: AdminDep) -> JobOut:
    """`{"job", "state": "queued|running|done", "totals", "files"}`; 404 for an unknown job."""
    body = request.app.state.jobs.status(job_id)
    if body is None:
        raise NotFoundError(f"no job {job_id}")
    return JobOut.model_validate(body)
