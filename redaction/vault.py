"""Re-identification vault (off by default): placeholder -> original value, encrypted at rest.

Only an auditor who states a reason can read a value back, and every read - allowed or refused -
is itself an audit event. The Fernet key comes from VEIL_VAULT__KEY and is never written to disk.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from core.audit import AuditLog
from core.errors import ConfigError, NotFoundError, PermissionDeniedError, VeilError
from core.state import StateDB, open_state
from core.types import Principal

MIN_REASON = 10

_SCHEMA = """
CREATE TABLE IF NOT EXISTS pseudonyms (
    scope TEXT NOT NULL, token TEXT NOT NULL, secret TEXT NOT NULL, PRIMARY KEY (scope, token)
)
"""  # secret: a Fernet token (url-safe base64 text); vaults written before it was text hold bytes


class PseudonymVault:
    def __init__(self, target: Path | StateDB, key: str, audit: AuditLog,
                 scrub: Callable[[str], str] | None = None) -> None:
        from cryptography.fernet import Fernet

        try:
            self._fernet = Fernet(key.encode())
        except ValueError:
            raise ConfigError("vault.key is not a valid Fernet key (32 url-safe base64-encoded bytes)") from None
        self._db = open_state(target)
        self._db.ensure(_SCHEMA)
        self._audit = audit
        # The reason is free text: it may name the very person. Only its redacted form is logged.
        self._scrub = scrub or (lambda text: "<reason withheld: no redactor configured>")

    def store(self, scope: str, mapping: dict[str, str]) -> None:
        rows = [(scope, token, self._fernet.encrypt(value.encode()).decode()) for token, value in mapping.items()]
        with self._db.transaction(lock="veil/vault/" + scope) as tx:  # two writers of one document take turns
            tx.execute("DELETE FROM pseudonyms WHERE scope = ?", (scope,))
            tx.executemany("INSERT INTO pseudonyms VALUES (?, ?, ?)", rows)

    def forget(self, scope: str) -> None:
        self._db.execute("DELETE FROM pseudonyms WHERE scope = ?", (scope,))

    def reveal(self, principal: Principal, reason: str, scope: str, token: str) -> str:
        event = {"principal": principal.name, "reason": self._scrub(reason.strip()), "doc_id": scope,
                 "token": token}
        try:
            value = self._reveal(principal, reason, scope, token)
        except VeilError as exc:
            self._audit.append("vault.reveal", event | {"granted": False, "refusal": str(exc)})
            raise
        self._audit.append("vault.reveal", event | {"granted": True})
        return value

    def _reveal(self, principal: Principal, reason: str, scope: str, token: str) -> str:
        if "auditor" not in principal.roles:
            raise PermissionDeniedError(f"{principal.name} is not an auditor")
        if len(reason.strip()) < MIN_REASON:
            raise PermissionDeniedError(f"state a reason (at least {MIN_REASON} characters)")
        row = self._db.execute("SELECT secret FROM pseudonyms WHERE scope = ? AND token = ?", (scope, token)).one()
        if row is None:
            raise NotFoundError(f"no pseudonym {token} in document {scope}")
        return self._fernet.decrypt(row[0]).decode()

    def close(self) -> None:
        self._db.close()
