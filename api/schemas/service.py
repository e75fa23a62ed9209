"""Health, the caller, and API keys: `/healthz`, `/readyz`, `/v1/me` and `veil keys ... --json`."""

from __future__ import annotations

from pydantic import AliasChoices, Field, field_validator

from api.schemas.base import Model


class Health(Model):
    status: str


class Ready(Model):
    status: str
    collections: int


class Me(Model):
    name: str
    roles: list[str]
    groups: list[str]
    escalation: bool = False  # this server can ask a closed model (escalation.base_url is set)


class KeyOut(Model):
    """`api.auth.keystore.ApiKey` as people may see it: never the key itself."""

    id: str
    name: str
    role: str
    groups: list[str]
    created_at: str
    revoked: bool = Field(validation_alias=AliasChoices("revoked_at", "revoked"))

    @field_validator("revoked", mode="before")
    @classmethod
    def _revoked(cls, value) -> bool:
        return value if isinstance(value, bool) else value is not None  # from ApiKey.revoked_at


class KeyList(Model):
    keys: list[KeyOut]


class KeyCreated(Model):
    key: str  # shown once
    id: str
