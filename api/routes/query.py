from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Literal

from fastapi import APIRouter
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from api import serialize
from api.auth.principals import ReaderDep
from api.deps import KnownQueryParams, MetricsDep, VeilDep
from api.schemas import AnswerOut
from core.errors import VeilError
from core.settings import COLLECTION_NAME
from core.types import Message
from generation.answering import Final, Token

router = APIRouter(prefix="/v1", tags=["query"], dependencies=[KnownQueryParams])


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


@router.post("/query", response_model=AnswerOut,
             responses={200: {"content": {"text/event-stream": {}},
                              "description": "the answer, or with stream: token events then one answer event"}})
def query(veil: VeilDep, principal: ReaderDep, metrics: MetricsDep, request: QueryRequest) -> dict | StreamingResponse:
    """Answer from the chunks the caller may read. The store is held while searching only, never while generating."""
    collection = request.collection or veil.settings.default_collection
    history = [Message(turn.role, turn.content) for turn in request.history]
    if request.stream and request.generate:
        events = veil.answerer.stream(request.question, collection, request.top_k, request.mode, principal,
                                      escalate=request.escalate, history=history)
        return StreamingResponse(_sse(events, metrics), media_type="text/event-stream")
    answer = veil.answerer.answer(request.question, collection, request.top_k, request.generate, request.mode,
                                  principal, escalate=request.escalate, history=history)
    metrics.answer(answer)
    return serialize.answer(answer)


def _sse(events: Iterator[Token | Final], metrics) -> Iterator[str]:
    """`token` events carry text; the `answer` event is the checked answer. When `replaces_stream` is
    true the streamed text failed a grounding check and the answer event's text replaces it."""
    try:
        for event in events:
            if isinstance(event, Token):
                yield f"event: token\ndata: {json.dumps({'text': event.text}, ensure_ascii=False)}\n\n"
            else:
                metrics.answer(event.answer)
                body = serialize.answer(event.answer) | {"replaces_stream": event.replaces_stream}
                yield f"event: answer\ndata: {json.dumps(body, ensure_ascii=False)}\n\n"
    except Exception as exc:  # the response has started: the failure becomes the stream's last event
        message = str(exc) if isinstance(exc, VeilError) else f"internal error ({type(exc).__name__})"
        yield f"event: error\ndata: {json.dumps({'error': message}, ensure_ascii=False)}\n\n"
