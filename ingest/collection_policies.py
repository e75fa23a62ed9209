"""Each collection's redaction policy, kept in the state database beside the registry (`core.state`).

Where a collection's policy comes from, first match wins:
1. the config file (`[redaction.collections.NAME]`): the admin's file decides; a request for another
   policy on such a collection is refused, naming the setting;
2. what `veil ingest --policy/--allow/--deny` or `POST /v1/documents` last set (table
   `collection_policies`);
3. `default`.

Deny terms may be personal values (a patient's nickname, a project's code name), so the table holds
them sealed (Fernet, under a key derived from the audit key) and nothing shows them: listings give
their number only. Allow terms are words the admin wants readable, shown as they are. A deny list
sealed under another audit key cannot be opened: ingesting into that collection then fails, saying
to set the list again, rather than silently masking less.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

from core.errors import ConfigError, VeilError
from core.settings import CollectionRedaction
from core.state import StateDB, upsert
from redaction.policies import RedactionPolicy, normalised_terms, policy_tag

_SCHEMA = """
CREATE TABLE IF NOT EXISTS collection_policies (
    collection  TEXT PRIMARY KEY,
    policy      TEXT NOT NULL,
    allow       TEXT NOT NULL,
    deny_sealed TEXT NOT NULL,
    updated_at  TEXT NOT NULL
)
"""
_WRITE = upsert("collection_policies", ["collection", "policy", "allow", "deny_sealed", "updated_at"], ["collection"])


@dataclass(frozen=True)
class PolicyView:
    """What may be shown of a collection's policy: never a deny term."""

    collection: str
    policy: str
    label: str
    source: str  # config | stored | default
    allow: tuple[str, ...]
    deny_terms: int
    masked: tuple[str, ...]  # the entity types it masks, of those Veil detects


class CollectionPolicies:
    def __init__(self, db: StateDB, configured: Mapping[str, CollectionRedaction], key: bytes,
                 detected: Sequence[str]) -> None:
        """`key`: the audit key (seals deny terms, tags term lists); `detected`: `redaction.entities`."""
        from cryptography.fernet import Fernet

        self._db, self._configured, self._detected = db, configured, tuple(detected)
        self._tag_key = hmac.new(key, b"veil/policy-tag/v1", hashlib.sha256).digest()
        seal_key = hmac.new(key, b"veil/deny-terms/v1", hashlib.sha256).digest()
        self._fernet = Fernet(base64.urlsafe_b64encode(seal_key))
        self._db.ensure(_SCHEMA)

    def current(self, collection: str) -> RedactionPolicy:
        return self._resolve(collection)[0]

    def set(self, collection: str, name: str | None = None, allow: Sequence[str] | None = None,
            deny: Sequence[str] | None = None) -> RedactionPolicy:
        """State the collection's policy anew: `name` (kept when None) and both lists (empty when None).
        Refused (VeilError) for a collection the config file sets, unless it asks for just that."""
        current, source = self._resolve(collection)
        wanted = self._policy(name or current.name, normalised_terms(allow or ()), normalised_terms(deny or ()))
        if source == "config":
            if wanted.label != current.label:
                raise VeilError(f"collection {collection}'s redaction policy is set in the config file "
                                f"(redaction.collections.{collection}): change it there")
            return current
        if wanted.label != current.label or source == "default":
            self._db.execute(_WRITE, (collection, wanted.name, json.dumps(list(wanted.allow)),
                                      self._fernet.encrypt(json.dumps(list(wanted.deny)).encode()).decode(),
                                      datetime.now(timezone.utc).isoformat(timespec="seconds")))
        return wanted

    def views(self) -> list[PolicyView]:
        """Every collection with a policy of its own (config file or stored), by name."""
        stored = [r[0] for r in self._db.execute("SELECT collection FROM collection_policies").rows]
        return [self.view(name) for name in sorted(set(stored) | set(self._configured))]

    def view(self, collection: str) -> PolicyView:
        policy, source = self._resolve(collection)
        return PolicyView(collection, policy.name, policy.label, source, policy.allow, len(policy.deny),
                          tuple(policy.masked_types(self._detected)))

    def _resolve(self, collection: str) -> tuple[RedactionPolicy, str]:
        configured = self._configured.get(collection)
        if configured is not None:
            return self._policy(configured.policy, normalised_terms(configured.allow),
                                normalised_terms(configured.deny)), "config"
        row = self._db.execute("SELECT policy, allow, deny_sealed FROM collection_policies WHERE collection = ?",
                               (collection,)).one()
        if row is None:
            return RedactionPolicy(), "default"
        return self._policy(row[0], tuple(json.loads(row[1])), self._open(collection, row[2])), "stored"

    def _open(self, collection: str, sealed: str) -> tuple[str, ...]:
        from cryptography.fernet import InvalidToken

        try:
            return tuple(json.loads(self._fernet.decrypt(sealed.encode())))
        except (InvalidToken, ValueError):
            raise ConfigError(f"collection {collection}'s deny list was sealed under another audit key: "
                              "set it again (veil ingest --collection NAME --deny TERM ...)") from None

    def _policy(self, name: str, allow: tuple[str, ...], deny: tuple[str, ...]) -> RedactionPolicy:
        return RedactionPolicy(name, allow, deny, policy_tag(self._tag_key, name, allow, deny))
