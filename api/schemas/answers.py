"""Questions and answers: `POST /v1/query` (plain and streamed) and `veil query --json`."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.base import Model
from core.settings import COLLECTION_NAME


class Turn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: Literal["user", "assistant"]
    content: str = Field(max_length=20_000)


class QueryRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")  # a misspelt field is an error, never silently ignored
    question: str = Field(min_length=1, max_length=4000)
    collection: str | None = Field(None, pattern=COLLECTION_NAME)
    top_k: int | None = Field(None, ge=1, le=100)
    generate: bool = True
    mode: Literal["extractive", "generative"] | None = Field(
        None, description="answer mode; default: generation.answer_mode")
    stream: bool = Field(False, description="server-sent events: `token` events, then one `answer` event")
    escalate: bool = Field(False, description="ask for the closed model (pseudonymised); the collection's "
                           "escalation policy decides")
    history: list[Turn] = Field(default_factory=list, max_length=50,
                                description="earlier turns, sent pseudonymised with an escalated question")


class CitationOut(Model):
    """`core.types.Citation`: a hit an answer rests on, its stored (redacted) text and where it sits."""

    document: str
    page: int | None
    chunk_id: str
    score: float
    text: str
    doc_id: str = ""
    source: str = ""
    start: int | None = None
    end: int | None = None


class AnswerOut(Model):
    """`core.types.Answer`: `[n]` in the text is `citations[n-1]`; `outbound` is what left, if anything."""

    answer: str
    route: str  # local | external | none
    mode: str  # extractive | generative | none
    reason: str
    citations: list[CitationOut]
    outbound: str | None


class TokenEvent(Model):
    """A streamed query's `token` event: text as the model writes it, not yet checked."""

    text: str


class AnswerEvent(AnswerOut):
    """A streamed query's last `answer` event: the checked answer. With `replaces_stream` the streamed
    text failed a grounding check and this text replaces it."""

    replaces_stream: bool

    @classmethod
    def of(cls, answer, replaces_stream: bool) -> AnswerEvent:
        return cls(**dict(AnswerOut.model_validate(answer)), replaces_stream=replaces_stream)


class StreamError(Model):
    """A stream's `error` event, and the body of every error response."""

    error: str
