"""The FastAPI application. Built around an assembled Veil, so tests can hand it fakes."""

from __future__ import annotations

import logging
import time

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from api.auth.principals import Authenticator, authenticate
from api.guard import BodyGuard
from api.metrics import Metrics
from api.queue_wiring import build_jobs
from api.routes import audit, chat_completions, documents, health, jobs, query, subjects, ui
from api.wiring import Veil, build_keys, build_limiter
from core.errors import AuthenticationError, VeilError

log = logging.getLogger(__name__)


def create_app(veil: Veil, admin_token: str | None = None) -> FastAPI:
    """`admin_token`: the server's local admin token (written to the data dir by `veil serve`)."""
    app = FastAPI(title="Veil", version="0.1.0", docs_url=None, redoc_url=None, openapi_url=None,
                  description="Privacy-preserving RAG: redacted ingest, local answers, auditable. "
                              "Every /v1 route needs Authorization: Bearer KEY (the Authorize button).")
    app.state.veil = veil
    app.state.auth = Authenticator(build_keys(veil.settings), build_limiter(veil.settings), admin_token)
    app.state.jobs = build_jobs(veil.settings)
    app.state.metrics = Metrics()
    for module in (health, documents, jobs, query, chat_completions, audit, subjects, ui):
        app.include_router(module.router)
    app.mount("/ui", StaticFiles(directory=ui.UI_DIR), name="ui")
    _add_docs(app)
    app.add_middleware(BodyGuard, auth=app.state.auth, limits=veil.settings.api)  # inside the metrics: counted
    _add_metrics(app)
    _add_error_handlers(app)
    return app


def _add_docs(app: FastAPI) -> None:
    """The page and the schema are public: the schema holds no data (it says what the code does) and the
    browser fetches it before anyone can sign in; "Try it out" needs the key Authorize asks for.
    Swagger UI's files are served by Veil, no CDN."""
    from swagger_ui_bundle import swagger_ui_path

    app.mount("/docs-assets", StaticFiles(directory=swagger_ui_path), name="docs-assets")

    @app.get("/openapi.json", include_in_schema=False)
    def openapi() -> JSONResponse:
        return JSONResponse(app.openapi())

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url="/openapi.json", title="Veil API",
                                   swagger_js_url="/docs-assets/swagger-ui-bundle.js",
                                   swagger_css_url="/docs-assets/swagger-ui.css",
                                   swagger_favicon_url="/docs-assets/favicon-32x32.png")


def _add_metrics(app: FastAPI) -> None:
    """Requests counted by route template (never the raw path: it may hold an id); any key reads them."""

    @app.middleware("http")
    async def count(request: Request, call_next):
        started = time.perf_counter()
        response = await call_next(request)
        route = getattr(request.scope.get("route"), "path", "unmatched")
        app.state.metrics.request(request.method, route, response.status_code, time.perf_counter() - started)
        return response

    @app.get("/metrics", include_in_schema=False, dependencies=[Depends(authenticate)])
    def metrics() -> Response:
        return Response(app.state.metrics.exposition(), media_type="text/plain; version=0.0.4")


def _add_error_handlers(app: FastAPI) -> None:
    """Every error is {"error": message}: no stack trace, no document text."""

    @app.exception_handler(VeilError)
    def veil_error(_: Request, exc: VeilError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, AuthenticationError) else None
        return JSONResponse({"error": str(exc)}, status_code=exc.http_status, headers=headers)

    @app.exception_handler(HTTPException)
    def http_error(_: Request, exc: HTTPException) -> JSONResponse:
        return JSONResponse({"error": str(exc.detail)}, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = "; ".join(f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors())
        return JSONResponse({"error": f"invalid request: {problems}"}, status_code=422)

    @app.exception_handler(Exception)
    def unexpected(_: Request, exc: Exception) -> JSONResponse:
        # The message of a library exception may quote a document: log and answer with the type only.
        log.error("unexpected %s while serving a request", type(exc).__name__)
        return JSONResponse({"error": f"internal error ({type(exc).__name__})"}, status_code=500)
