"""OpenAI-compatible chat: `POST /v1/chat/completions` and `GET /v1/models`, so the official client
and existing chat front-ends work against Veil.

The last user message is the question; earlier user/assistant turns are the history (sent,
pseudonymised, with an escalated question only); system messages are the client's and are not
used: answers come from the sources. Veil's own fields travel beside `choices`: `citations`,
`route`, `reason`, `mode` and `outbound`. A stream carries the checked answer only: this protocol
cannot withdraw text a client has shown, so unchecked tokens never go out through it.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator

from fastapi import APIRouter
from fastapi.responses import StreamingResponse
from pydantic import BaseModel

from api.auth.principals import ReaderDep
from api.deps import MetricsDep, VeilDep
from api.schemas.chat import (MODEL_ID, ChatCompletion, ChatCompletionChunk, ChatMessage, ChatRequest, Choice,
                                ChunkChoice, Delta, FinalChunk, ModelCard, ModelList, ReplyMessage, VeilFields)
from core.errors import NotFoundError, VeilError
from core.types import Answer, Message

router = APIRouter(prefix="/v1", tags=["openai"])
_PIECE = 24  # characters per streamed chunk


@router.get("/models", response_model=ModelList)
def models(_: ReaderDep) -> ModelList:
    return ModelList(data=[ModelCard(id=MODEL_ID)])


@router.post("/chat/completions", response_model=ChatCompletion,
             responses={200: {"content": {"text/event-stream": {}},
                              "description": "with stream: chat.completion.chunk events (the last one with "
                                             "Veil's fields), then [DONE]"}})
def chat_completions(veil: VeilDep, principal: ReaderDep, metrics: MetricsDep,
                     request: ChatRequest) -> ChatCompletion | StreamingResponse:
    _served(request.model)
    question, history = _conversation(request.messages)
    collection = request.collection or veil.settings.default_collection
    answer = veil.answerer.answer(question, collection, mode=request.mode, principal=principal,
                                  escalate=request.escalate, history=history)
    metrics.answer(answer)
    completion_id, created = f"chatcmpl-{uuid.uuid4().hex}", int(time.time())
    if request.stream:
        return StreamingResponse(_chunks(answer, completion_id, created), media_type="text/event-stream")
    reply = Choice(message=ReplyMessage(content=answer.answer))
    return ChatCompletion(id=completion_id, created=created, choices=[reply], **dict(_veil_fields(answer)))


def _served(model: str) -> None:
    if model != MODEL_ID:
        raise NotFoundError(f"model {model[:100]!r} is not served here; models served: {MODEL_ID} (GET /v1/models)")


def _conversation(messages: list[ChatMessage]) -> tuple[str, list[Message]]:
    turns = [m for m in messages if m.role in ("user", "assistant") and m.content]
    if not turns or turns[-1].role != "user":
        raise VeilError("the last message must be the user's question")
    return turns[-1].content, [Message(m.role, m.content) for m in turns[:-1]]


def _veil_fields(answer: Answer) -> VeilFields:
    return VeilFields.model_validate(answer)


def _chunks(answer: Answer, completion_id: str, created: int) -> Iterator[str]:
    def event(chunk: BaseModel) -> str:
        return f"data: {json.dumps(chunk.model_dump(mode='json'), ensure_ascii=False)}\n\n"

    def chunk(delta: Delta) -> ChatCompletionChunk:
        return ChatCompletionChunk(id=completion_id, created=created, choices=[ChunkChoice(delta=delta)])

    yield event(chunk(Delta(role="assistant", content="")))
    for start in range(0, len(answer.answer), _PIECE):
        yield event(chunk(Delta(content=answer.answer[start:start + _PIECE])))
    stop = ChunkChoice(delta=Delta(), finish_reason="stop")
    yield event(FinalChunk(id=completion_id, created=created, choices=[stop], **dict(_veil_fields(answer))))
    yield "data: [DONE]\n\n"
