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
from typing import Literal

from fastapi import APIRouter
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from api import serialize
from api.auth.principals import ReaderDep
from api.deps import MetricsDep, VeilDep
from core.errors import NotFoundError, VeilError
from core.settings import COLLECTION_NAME
from core.types import Answer, Citation, Message

router = APIRouter(prefix="/v1", tags=["openai"])
MODEL_ID = "veil"
_PIECE = 24  # characters per streamed chunk


class ChatMessage(BaseModel):
    role: Literal["system", "user", "assistant", "developer", "tool"]
    content: str | None = Field(None, max_length=20_000)


class ChatRequest(BaseModel):
    model: str = MODEL_ID
    messages: list[ChatMessage] = Field(min_length=1, max_length=100)
    stream: bool = False
    collection: str | None = Field(None, pattern=COLLECTION_NAME,
                                   description="Veil: the collection to ask (default: the configured one)")
    escalate: bool = Field(False, description="Veil: ask for the closed model (the collection's policy decides)")
    mode: Literal["extractive", "generative"] | None = None
    model_config = {"extra": "ignore"}  # temperature, max_tokens, ...: Veil answers from its sources


class ModelCard(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int = 0
    owned_by: str = "veil"


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelCard]


@router.get("/models", response_model=ModelList)
def models(_: ReaderDep) -> ModelList:
    return ModelList(data=[ModelCard(id=MODEL_ID)])


class ReplyMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str


class Choice(BaseModel):
    index: int
    message: ReplyMessage
    finish_reason: str


class ChatCompletion(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[Choice]
    usage: dict[str, int]
    citations: list[Citation]  # Veil's own fields, beside OpenAI's
    route: str
    reason: str
    mode: str
    outbound: str | None


@router.post("/chat/completions", response_model=ChatCompletion,
             responses={200: {"content": {"text/event-stream": {}},
                              "description": "with stream: chat.completion.chunk events, then [DONE]"}})
def chat_completions(veil: VeilDep, principal: ReaderDep, metrics: MetricsDep,
                     request: ChatRequest) -> dict | StreamingResponse:
    _served(request.model)
    question, history = _conversation(request.messages)
    collection = request.collection or veil.settings.default_collection
    answer = veil.answerer.answer(question, collection, mode=request.mode, principal=principal,
                                  escalate=request.escalate, history=history)
    metrics.answer(answer)
    completion_id, created = f"chatcmpl-{uuid.uuid4().hex}", int(time.time())
    if request.stream:
        return StreamingResponse(_chunks(answer, completion_id, created), media_type="text/event-stream")
    return {"id": completion_id, "object": "chat.completion", "created": created, "model": MODEL_ID,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": answer.answer},
                         "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}} | _veil_fields(answer)


def _served(model: str) -> None:
    if model != MODEL_ID:
        raise NotFoundError(f"model {model[:100]!r} is not served here; models served: {MODEL_ID} (GET /v1/models)")


def _conversation(messages: list[ChatMessage]) -> tuple[str, list[Message]]:
    turns = [m for m in messages if m.role in ("user", "assistant") and m.content]
    if not turns or turns[-1].role != "user":
        raise VeilError("the last message must be the user's question")
    return turns[-1].content, [Message(m.role, m.content) for m in turns[:-1]]


def _veil_fields(answer: Answer) -> dict:
    body = serialize.answer(answer)
    return {key: body[key] for key in ("citations", "route", "reason", "mode", "outbound")}


def _chunks(answer: Answer, completion_id: str, created: int) -> Iterator[str]:
    def chunk(delta: dict, finish: str | None = None, extra: dict | None = None) -> str:
        body = {"id": completion_id, "object": "chat.completion.chunk", "created": created, "model": MODEL_ID,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]} | (extra or {})
        return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"

    yield chunk({"role": "assistant", "content": ""})
    for start in range(0, len(answer.answer), _PIECE):
        yield chunk({"content": answer.answer[start:start + _PIECE]})
    yield chunk({}, "stop", _veil_fields(answer))
    yield "data: [DONE]\n\n"
