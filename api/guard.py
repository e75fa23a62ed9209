"""What a request must show before Veil reads a byte of its body: a live key, then a size within the limit.

A pure ASGI middleware. The Authorization header is checked before the body is received (no route
that takes a body is public), a declared Content-Length over the limit is refused at once, and a
chunked body is counted as it arrives and refused the moment it passes the limit. A refusal closes
the connection, so the rest of a hostile body is never read: it costs neither memory nor time.

Limits (`api.*`): POST /v1/documents takes `max_upload_mb` of files plus `max_body_kb` of form
fields; every other body `max_body_kb` (a question, a chat, an audit search).
"""

from __future__ import annotations

import json

import anyio
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.auth.principals import PRINCIPAL_SCOPE_KEY, Authenticator, principal_for
from core.errors import AuthenticationError
from core.settings import ApiSettings

UPLOAD = ("POST", "/v1/documents")
CLOSE = {"Connection": "close"}  # the unread rest of the body is not worth reading


class BodyTooLarge(HTTPException):
    def __init__(self, message: str) -> None:
        super().__init__(413, message, headers=CLOSE)


class BodyGuard:
    def __init__(self, app: ASGIApp, auth: Authenticator, limits: ApiSettings) -> None:
        self.app, self._auth, self._limits = app, auth, limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _has_body(headers := Headers(scope=scope)):
            return await self.app(scope, receive, send)
        try:
            scope[PRINCIPAL_SCOPE_KEY] = await anyio.to_thread.run_sync(
                principal_for, self._auth, headers.get("authorization"))
        except AuthenticationError as exc:
            return await _refuse(send, 401, str(exc), {"WWW-Authenticate": "Bearer", **CLOSE})
        limit, message = self.limit(scope)
        if _declared(headers) > limit:
            return await _refuse(send, 413, message, CLOSE)
        await self._guarded(scope, _counting(receive, limit, message), send, message)

    def limit(self, scope: Scope) -> tuple[int, str]:
        """The most bytes this request's body may hold, and what a bigger one is told."""
        fields = self._limits.max_body_kb * 1000
        if (scope["method"], scope["path"].rstrip("/")) == UPLOAD:
            return (self._limits.max_upload_mb * 1_000_000 + fields,
                    f"the upload is over the {self._limits.max_upload_mb} MB limit (api.max_upload_mb)")
        return fields, f"the request body is over the {self._limits.max_body_kb} KB limit (api.max_body_kb)"

    async def _guarded(self, scope: Scope, receive: Receive, send: Send, message: str) -> None:
        """Routes meet BodyTooLarge as an HTTPException (answered 413 by the app's handler); should one
        escape before a response has started, it is answered here."""
        started = False

        async def tracking(event: Message) -> None:
            nonlocal started
            started = started or event["type"] == "http.response.start"
            await send(event)

        try:
            await self.app(scope, receive, tracking)
        except BodyTooLarge:
            if started:
                raise
            await _refuse(send, 413, message, CLOSE)


def _has_body(headers: Headers) -> bool:
    return "transfer-encoding" in headers or headers.get("content-length", "0").strip() not in ("", "0")


def _declared(headers: Headers) -> int:
    try:
        return int(headers.get("content-length", "0"))
    except ValueError:  # the HTTP server refuses it before it reaches us; count what arrives instead
        return 0


def _counting(receive: Receive, limit: int, message: str) -> Receive:
    received = 0

    async def counted() -> Message:
        nonlocal received
        event = await receive()
        if event["type"] == "http.request":
            received += len(event.get("body", b""))
            if received > limit:
                raise BodyTooLarge(message)
        return event

    return counted


async def _refuse(send: Send, status: int, message: str, headers: dict[str, str]) -> None:
    body = json.dumps({"error": message}, separators=(",", ":")).encode()  # as JSONResponse writes it
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
           *((k.lower().encode(), v.encode()) for k, v in headers.items())]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})
