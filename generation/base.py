from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Literal, Protocol

from core.types import Completion, Message


class ChatModel(Protocol):
    """A model that answers. `external` models only ever receive pseudonymised, guarded text."""

    name: str
    trust: Literal["local", "external"]

    def complete(self, messages: Sequence[Message], **opts) -> Completion: ...
    def stream(self, messages: Sequence[Message], **opts) -> Iterator[str]: ...
