from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Literal, Protocol

from core.types import Completion, Message


class ChatModel(Protocol):
    """A model that answers. `external` models only ever receive pseudonymised, guarded text.

    `prompt_tokens` counts what `messages` cost in this model's tokens, so a prompt can be fitted
    into `context_window` (leaving `max_tokens` for the answer) before anything is generated.
    """

    name: str
    trust: Literal["local", "external"]
    context_window: int
    max_tokens: int

    def prompt_tokens(self, messages: Sequence[Message]) -> int: ...
    def complete(self, messages: Sequence[Message], **opts) -> Completion: ...
    def stream(self, messages: Sequence[Message], **opts) -> Iterator[str]: ...
