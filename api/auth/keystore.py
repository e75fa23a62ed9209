"""API keys in `veil.db` or the shared PostgreSQL database (table `api_keys`): only a SHA-256 of each key is kept.

A key is 256 random bits, so a fast hash is safe against guessing; the key itself is shown once,
when it is created. This module opens the keys table alone, never the store, so `veil keys`
works while `veil serve` holds the store.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from core.errors import NotFoundError, VeilError
from core.state import StateDB, open_state

ROLES = ("admin", "user", "auditor")
KEY_PREFIX = "veil_"
_GROUP = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS api_keys (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, groups TEXT NOT NULL,
    key_sha256 TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL, revoked_at TEXT
)
"""


@dataclass(frozen=True)
class ApiKey:
    id: str
    name: str
    role: str
    groups: tuple[str, ...]
    created_at: str
    revoked_at: str | None = None

    def public(self) -> dict:
        return {"id": self.id, "name": self.name, "role": self.role, "groups": list(self.groups),
                "created_at": self.created_at, "revoked": self.revoked_at is not None}


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


class KeyStore:
    def __init__(self, target: Path | StateDB) -> None:
        self._db = open_state(target)
        self._db.ensure(_SCHEMA)

    def create(self, role: str, groups: tuple[str, ...] = (), name: str | None = None) -> tuple[str, ApiKey]:
        """A new key: the secret (shown once) and its record."""
        if role not in ROLES:
            raise VeilError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
        if bad := [g for g in groups if not _GROUP.match(g)]:
            raise VeilError(f"invalid group name(s): {', '.join(map(repr, bad))} (letters, digits, . _ -)")
        secret = KEY_PREFIX + secrets.token_urlsafe(32)
        key = ApiKey(secrets.token_hex(6), name or role, role, tuple(dict.fromkeys(groups)), _now())
        self._db.execute("INSERT INTO api_keys VALUES (?, ?, ?, ?, ?, ?, NULL)",
                         (key.id, key.name, key.role, json.dumps(key.groups), digest(secret), key.created_at))
        return secret, key

    def list(self) -> list[ApiKey]:
        rows = self._db.execute("SELECT id, name, role, groups, created_at, revoked_at FROM api_keys "
                                "ORDER BY created_at, id").rows
        return [_key(row) for row in rows]

    def revoke(self, key_id: str) -> ApiKey:
        changed = self._db.execute("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                                   (_now(), key_id)).rowcount
        row = self._db.execute("SELECT id, name, role, groups, created_at, revoked_at FROM api_keys WHERE id = ?",
                               (key_id,)).one()
        if row is None:
            raise NotFoundError(f"no API key with id {key_id}")
        if not changed:
            raise VeilError(f"API key {key_id} is already revoked")
        return _key(row)

    def authenticate(self, secret: str) -> ApiKey | None:
        """The live key with this secret, or None (unknown or revoked)."""
        row = self._db.execute("SELECT id, name, role, groups, created_at, revoked_at FROM api_keys "
                               "WHERE key_sha256 = ? AND revoked_at IS NULL", (digest(secret),)).one()
        return _key(row) if row else None

    def close(self) -> None:
        self._db.close()


def _key(row) -> ApiKey:
    return ApiKey(row[0], row[1], row[2], tuple(json.loads(row[3])), row[4], row[5])


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
