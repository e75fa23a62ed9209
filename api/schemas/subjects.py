"""Requests about one person: `/v1/subjects/...` and `veil subject ... --json`. The values travel in a
request body only (never a URL, which access logs keep); no answer holds one: they are matched through
their keyed HMAC."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from api.schemas.base import Model
from ingest.subjects import MAX_VALUE_CHARS, MAX_VALUES, MIN_REASON

Value = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_VALUE_CHARS)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=MIN_REASON, max_length=2000)]


class SubjectRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    values: list[Value] = Field(min_length=1, max_length=MAX_VALUES,
                                description="the person: a name and its variants, an e-mail, a phone, an ID")


class ForgetRequest(SubjectRequest):
    reason: Reason = Field(description="why (kept in the audit trail, redacted)")


class AllowRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    doc_id: str = Field(pattern=r"^[0-9a-f-]{36}$", description="an erased document's id")
    reason: Reason = Field(description="why it may be ingested again (kept in the audit trail, redacted)")


class SubjectDocumentOut(Model):
    """`ingest.subjects.SubjectDocument`: a document that mentions the person and which of its chunks do."""

    doc_id: str
    source: str
    collection: str
    chunks: list[str]
    labels: list[str]


class SubjectFound(Model):
    documents: list[SubjectDocumentOut]


class ForgottenDocumentOut(Model):
    doc_id: str
    source: str
    collection: str
    chunks: int  # removed from the store


class SubjectForgotten(Model):
    """`ingest.subjects.Erasure`: the request's id in the audit trail and every document removed."""

    request: str
    documents: list[ForgottenDocumentOut]


class ErasureMarkOut(Model):
    """`ingest.registry.ErasureMark`: an erased document that no ingest writes again until allowed."""

    doc_id: str
    collection: str
    source: str
    request: str
    at: str
