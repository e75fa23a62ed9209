"""The OpenAI-compatible chat: `POST /v1/chat/completions` and `GET /v1/models`. Veil's own fields
(`VeilFields`, from the answer) travel beside OpenAI's, after them."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from api.schemas.answers import CitationOut
from api.schemas.base import Model
from core.settings import COLLECTION_NAME

MODEL_ID = "veil"


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


class ModelCard(Model):
    id: str
    object: Literal["model"] = "model"
    created: int = 0
    owned_by: str = "veil"


class ModelList(Model):
    object: Literal["list"] = "list"
    data: list[ModelCard]


class VeilFields(Model):
    """Veil's fields of a completion, read from `core.types.Answer`."""

    citations: list[CitationOut]
    route: str
    reason: str
    mode: str
    outbound: str | None


class ReplyMessage(Model):
    role: Literal["assistant"] = "assistant"
    content: str


class Choice(Model):
    index: int = 0
    message: ReplyMessage
    finish_reason: str = "stop"


class Usage(Model):
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0


class CompletionHead(Model):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str = MODEL_ID
    choices: list[Choice]
    usage: Usage = Field(default_factory=Usage)


class ChatCompletion(VeilFields, CompletionHead):
    """OpenAI's fields first, then Veil's."""


class Delta(Model):
    """What a chunk adds; a field it does not carry is left out, as OpenAI does."""

    role: Literal["assistant"] | None = Field(None, exclude_if=lambda value: value is None)
    content: str | None = Field(None, exclude_if=lambda value: value is None)


class ChunkChoice(Model):
    index: int = 0
    delta: Delta
    finish_reason: str | None = None


class ChatCompletionChunk(Model):
    """One `data:` event of a streamed completion."""

    id: str
    object: Literal["chat.completion.chunk"] = "chat.completion.chunk"
    created: int
    model: str = MODEL_ID
    choices: list[ChunkChoice]


class FinalChunk(VeilFields, ChatCompletionChunk):
    """The stream's last chunk (finish_reason "stop") carries Veil's fields."""
