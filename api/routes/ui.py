"""The web page (chat, documents, audit) and who the caller is. The page and its files are public
(they hold no data); every call they make needs the key the user signs in with."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

from api.auth.principals import PrincipalDep
from api.deps import KnownQueryParams, VeilDep
from api.schemas.service import Me

UI_DIR = Path(__file__).resolve().parents[1] / "ui"
router = APIRouter()


@router.get("/v1/me", response_model=Me, tags=["auth"], dependencies=[KnownQueryParams])
def me(principal: PrincipalDep, veil: VeilDep) -> Me:
    """The signed-in key's principal: its role(s) and groups; `escalation`: whether this server can
    escalate to a closed model (the web page offers it only then)."""
    return Me(name=principal.name, roles=sorted(principal.roles), groups=sorted(principal.groups),
              escalation=veil.settings.escalation.enabled)


@router.get("/", include_in_schema=False)
def index() -> FileResponse:
    return FileResponse(UI_DIR / "index.html", headers={"Cache-Control": "no-cache"})
