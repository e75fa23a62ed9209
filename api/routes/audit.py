"""The compliance officer's API (role auditor, or admin): the CLI's `veil audit` shapes over REST.
The searched value travels in the request body, never in a URL or a log line."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query
from pydantic import AfterValidator

from api import audit_views
from api.auth.principals import AuditorDep
from api.deps import KnownQueryParams, VeilDep
from api.schemas.audit import EventPage, PolicyList, Report, SearchRequest, SearchResult, Verification

router = APIRouter(prefix="/v1/audit", tags=["audit"], dependencies=[KnownQueryParams])
DocumentParam = Annotated[UUID | None, Query(description="a document's id (GET /v1/documents)")]
IsoTime = Annotated[str, AfterValidator(audit_views.check_iso_time)]


@router.get("/verify", response_model=Verification)
def verify(veil: VeilDep, _: AuditorDep) -> Verification:
    return audit_views.verification(veil.audit)


@router.post("/search", response_model=SearchResult)
def search(veil: VeilDep, _: AuditorDep, request: SearchRequest) -> SearchResult:
    return audit_views.search(veil.audit, request.value)


@router.get("/report", response_model=Report)
def report(veil: VeilDep, _: AuditorDep, document: DocumentParam = None) -> Report:
    return audit_views.report(veil.audit, document and str(document))


@router.get("/events", response_model=EventPage)
def events(veil: VeilDep, _: AuditorDep,
           kind: Annotated[str | None, Query(pattern=r"^[a-z0-9_.-]{1,64}$", description="e.g. redaction, query")] = None,
           document: DocumentParam = None,
           entity_type: Annotated[str | None, Query(pattern=r"^[A-Z0-9_]{1,64}$", description="e.g. PERSON")] = None,
           since: Annotated[IsoTime | None, Query(description="ISO date or time (UTC unless it says)")] = None,
           until: Annotated[IsoTime | None, Query(description="ISO date (the whole day) or time, inclusive")] = None,
           limit: Annotated[int, Query(ge=1, le=5000)] = 200) -> EventPage:
    """Redaction, query, escalation and other events, newest first."""
    return audit_views.events(veil.audit, kind, document and str(document), entity_type, since, until, limit)


@router.get("/policies", response_model=PolicyList)
def policies(veil: VeilDep, _: AuditorDep) -> PolicyList:
    """Each collection's redaction policy (config file or set by an ingest), what it masks, its allow terms
    and how many deny terms it has (never the terms). The egress guard always applies `default_masked`."""
    return audit_views.policies(veil.pipeline.policies.views(), veil.settings.redaction.entities)
