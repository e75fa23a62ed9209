from __future__ import annotations

import json
from collections.abc import Iterator

from fastapi import APIRouter
from fastapi.responses import StreamingResponse
from pydantic import BaseModel

from api.auth.principals import ReaderDep
from api.deps import KnownQueryParams, MetricsDep, VeilDep
from api.schemas.answers import AnswerEvent, AnswerOut, QueryRequest, StreamError, TokenEvent
from core.errors import VeilError
from core.types import Message
from generation.answering import Final, Token

router = APIRouter(prefix="/v1", tags=["query"], dependencies=[KnownQueryParams])


@router.post("/query", response_model=AnswerOut,
             responses={200: {"content": {"text/event-stream": {}},
                              "description": "the answer, or with stream: token events then one answer event"}})
def query(veil: VeilDep, principal: ReaderDep, metrics: MetricsDep, request: QueryRequest) -> AnswerOut | StreamingResponse:
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
    return AnswerOut.model_validate(answer)


def _sse(events: Iterator[Token | Final], metrics) -> Iterator[str]:
    """`token` events carry text; the `answer` event is the checked answer. When `replaces_stream` is
    true the streamed text failed a grounding check and the answer event's text replaces it."""
    try:
        for event in events:
            if isinstance(event, Token):
                yield _event("token", TokenEvent(text=event.text))
            else:
                metrics.answer(event.answer)
                yield _event("answer", AnswerEvent.of(event.answer, event.replaces_stream))
    except Exception as exc:  # the response has started: the failure becomes the stream's last event
        message = str(exc) if isinstance(exc, VeilError) else f"internal error ({type(exc).__name__})"
        yield _event("error", StreamError(error=message))


def _event(name: str, body: BaseModel) -> str:
    return f"event: {name}\ndata: {json.dumps(body.model_dump(mode='json'), ensure_ascii=False)}\n\n"
