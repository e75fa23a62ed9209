"""Access and erasure requests about one person over REST: the CLI's `veil subject` shapes. The values
travel in the request body only, never in a URL or a log line; find is for auditors and admins, forget
and allow for admins."""

from __future__ import annotations

from fastapi import APIRouter

from api.auth.principals import AdminDep, AuditorDep
from api.deps import KnownQueryParams, VeilDep
from api.schemas.subjects import (AllowRequest, ErasureMarkOut, ForgetRequest, SubjectForgotten, SubjectFound,
                                  SubjectRequest)

router = APIRouter(prefix="/v1/subjects", tags=["subjects"], dependencies=[KnownQueryParams])


@router.post("/find", response_model=SubjectFound)
def find(veil: VeilDep, principal: AuditorDep, request: SubjectRequest) -> SubjectFound:
    """Every document and chunk whose redaction recorded any of the values (matched by keyed hash)."""
    return SubjectFound(documents=veil.subjects.find(principal, request.values))


@router.post("/forget", response_model=SubjectForgotten)
def forget(veil: VeilDep, principal: AdminDep, request: ForgetRequest) -> SubjectForgotten:
    """Remove every document that mentions the person and keep every ingest from writing it again."""
    with veil.lock:  # the embedded store: one operation at a time
        return SubjectForgotten.model_validate(veil.subjects.forget(principal, request.values, request.reason))


@router.post("/allow", response_model=ErasureMarkOut)
def allow(veil: VeilDep, principal: AdminDep, request: AllowRequest) -> ErasureMarkOut:
    """Lift an erased document's mark: the next ingest of its file writes it again."""
    return ErasureMarkOut.model_validate(veil.subjects.allow(principal, request.doc_id, request.reason))
