"""From a bearer key to a Principal, and the role each route needs.

Roles: `admin` ingests, deletes, exports, manages keys and reads everything; `user` asks and reads
the chunks whose groups overlap the key's (every key is also in `everyone`, the default readers);
`auditor` reads the audit log and never document text. `veil serve` writes a local admin token
(0600, `keys/admin.token`) at start-up for the CLI on the same machine.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.auth.keystore import KeyStore, digest
from api.auth.limits import KeyLimiter
from core.errors import AuthenticationError, PermissionDeniedError
from core.types import Principal

ADMIN_TOKEN = Path("keys") / "admin.token"
EVERYONE = "everyone"
PRINCIPAL_SCOPE_KEY = "veil.principal"  # set by api.guard once it has checked the key of a request with a body


def write_admin_token(data_dir: Path) -> str:
    """A fresh token for this server's lifetime, readable by its owner only."""
    path = data_dir / ADMIN_TOKEN
    path.parent.mkdir(parents=True, exist_ok=True)
    token = "veil_admin_" + secrets.token_urlsafe(32)
    temporary = path.with_suffix(".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(token)
    temporary.replace(path)
    return token


def read_admin_token(data_dir: Path) -> str | None:
    try:
        return (data_dir / ADMIN_TOKEN).read_text().strip() or None
    except OSError:
        return None


class Authenticator:
    def __init__(self, keys: KeyStore, limiter: KeyLimiter, admin_token: str | None = None) -> None:
        self._keys, self.limiter = keys, limiter
        self._admin_sha = digest(admin_token) if admin_token else None

    def principal(self, secret: str) -> Principal | None:
        if self._admin_sha is not None and secrets.compare_digest(digest(secret), self._admin_sha):
            return Principal("local-admin", frozenset({"admin"}), frozenset({EVERYONE}))
        key = self._keys.authenticate(secret)
        if key is None:
            return None
        return Principal(key.id, frozenset({key.role}), frozenset({EVERYONE, *key.groups}))


def principal_for(auth: Authenticator, authorization: str | None) -> Principal:
    """The principal of an `Authorization: Bearer KEY` header; AuthenticationError (401) otherwise."""
    scheme, _, secret = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise AuthenticationError("an API key is required: send Authorization: Bearer KEY")
    principal = auth.principal(secret.strip())
    if principal is None:
        raise AuthenticationError("unknown or revoked API key")
    return principal


# Declares the scheme in /openapi.json, so /docs offers an Authorize button; the check is ours.
_bearer = HTTPBearer(auto_error=False, scheme_name="api_key",
                     description="a Veil API key (`veil keys create --role user|auditor|admin`)")


def authenticate(request: Request,
                 _: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> Iterator[Principal]:
    """401 without a live key; 429 past the key's limits (held until the response is made). A request
    with a body was checked already, before its body was read (`api.guard`)."""
    auth: Authenticator = request.app.state.auth
    principal = request.scope.get(PRINCIPAL_SCOPE_KEY) or principal_for(auth, request.headers.get("authorization"))
    with auth.limiter.hold(principal.name):
        yield principal


PrincipalDep = Annotated[Principal, Depends(authenticate)]


def require(*roles: str):
    allowed = frozenset(roles)

    def check(principal: PrincipalDep) -> Principal:
        if not principal.roles & allowed:
            raise PermissionDeniedError(f"this needs the role {' or '.join(sorted(allowed))}")
        return principal

    return check


AdminDep = Annotated[Principal, Depends(require("admin"))]
ReaderDep = Annotated[Principal, Depends(require("admin", "user"))]
AuditorDep = Annotated[Principal, Depends(require("admin", "auditor"))]
