"""The compliance officer's shapes: `/v1/audit/...` and `veil audit ... --json`. None holds a raw value:
values are matched through their keyed HMAC."""

from __future__ import annotations

from pydantic import AliasChoices, BaseModel, ConfigDict, Field

from api.schemas.base import Model


class Verification(Model):
    """`core.audit.Verification`: the chain checked; the first event that does not fit, if any."""

    ok: bool
    events: int
    first_bad_seq: int | None
    problem: str | None
    head: str | None = Field(validation_alias=AliasChoices("head_mac", "head"))


class SearchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    value: str = Field(min_length=1, max_length=1000, description="the personal value to look for")


class SearchMatch(Model):
    """A redaction of the searched value: where (document, chunk or file name) and by which detector."""

    seq: int
    ts: str
    doc_id: str
    source: str | None
    chunk_id: str | None
    field: str
    entity_type: str
    detector: str


class SearchResult(Model):
    found: bool
    matches: list[SearchMatch]


class Report(Model):
    document: str | None
    redactions: int
    by_type: dict[str, int]
    by_detector: dict[str, int]
    events: dict[str, int]


class Event(Model):
    """`core.audit.AuditEvent` without its chain fields."""

    seq: int
    ts: str
    kind: str
    payload: dict


class EventPage(Model):
    events: list[Event]
    total: int  # events that matched, before the limit


class PolicyOut(Model):
    """`ingest.collection_policies.PolicyView`: a collection's redaction policy; deny terms only counted."""

    collection: str
    policy: str  # default | hipaa-safe-harbor | gdpr | people-only
    label: str   # what its documents and audit events record (with a keyed tag when it has its own terms)
    source: str  # config | stored | default
    allow: list[str]
    deny_terms: int
    masked: list[str]  # the entity types it masks, of those Veil detects


class PolicyList(Model):
    default_masked: list[str]  # what `default` masks, and the egress guard always applies
    collections: list[PolicyOut]
