from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
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


class RequestPseudonyms(Protocol):
    """One request's pseudonyms: the same value gets the same `<TYPE_N>` token within the request,
    numbered after the numbers the prompt's sources already use. Raw values stay in memory only."""

    def pseudonymise(self, texts: Sequence[str]) -> list[str]: ...
    def restore(self, text: str) -> str: ...
    def counts(self) -> dict[str, int]: ...


class Pseudonymiser(Protocol):
    """Implemented in `redaction/`; `reserved` is the highest number already used per entity type."""

    def session(self, reserved: Mapping[str, int]) -> RequestPseudonyms: ...


class EgressGuard(Protocol):
    """Re-scans text about to leave with the storage redaction policy: entity type -> how many
    detections lie outside placeholders. Empty means it may leave. `common_words`: the sources'
    `Hit.common_words`, storage's evidence that those capitalised words are ordinary in their documents."""

    def findings(self, texts: Sequence[str], common_words: Collection[str] = ()) -> dict[str, int]: ...
