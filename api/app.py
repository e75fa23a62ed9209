"""The FastAPI application. Built around an assembled Veil, so tests can hand it fakes."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from api.routes import documents, health, query
from api.wiring import Veil
from core.errors import VeilError

log = logging.getLogger(__name__)


def create_app(veil: Veil) -> FastAPI:
    app = FastAPI(title="Veil", version="0.1.0",
                  description="Privacy-preserving RAG: redacted ingest, local answers, auditable.")
    app.state.veil = veil
    for module in (health, documents, query):
        app.include_router(module.router)

    @app.exception_handler(VeilError)
    def veil_error(_: Request, exc: VeilError) -> JSONResponse:
        return JSONResponse({"error": str(exc)}, status_code=exc.http_status)

    @app.exception_handler(Exception)
    def unexpected(_: Request, exc: Exception) -> JSONResponse:
        # The message of a library exception may quote a document: log and answer with the type only.
        log.error("unexpected %s while serving a request", type(exc).__name__)
        return JSONResponse({"error": f"internal error ({type(exc).__name__})"}, status_code=500)

    return app
