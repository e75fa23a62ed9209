from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from typing import Literal, NamedTuple, Protocol

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
    def token(self, entity_type: str, value: str) -> str: ...  # one value the egress guard found
    def restore(self, text: str) -> str: ...
    def counts(self) -> dict[str, int]: ...


class Pseudonymiser(Protocol):
    """Implemented in `redaction/`; `reserved` is the highest number already used per entity type."""

    def session(self, reserved: Mapping[str, int]) -> RequestPseudonyms: ...


class Piece(NamedTuple):
    """A stretch of outbound text and the evidence its document gives the egress guard:
    `common_words`, the words that document writes in lower case (`Hit.common_words`); empty for
    the question, the instructions and the prompt's own scaffolding."""

    text: str
    common_words: Collection[str] = ()


class GuardFindings(Protocol):
    """What the egress guard found (falsy when nothing): `counts` per entity type, never values;
    `spans` to pseudonymise as (piece index, start, end, entity type), offsets into that piece."""

    counts: dict[str, int]
    spans: Sequence[tuple[int, int, int, str]]

    def __bool__(self) -> bool: ...


class EgressGuard(Protocol):
    """Re-scans text about to leave with the storage redaction policy. Each piece is judged as a
    document of its own, with its own evidence: one source's ordinary words never excuse another's
    names. Detections inside placeholders, field labels beside them ("IBAN <IBAN_CODE_1>") and
    markup read as data do not count. The caller pseudonymises what is found and asks again;
    only a finding of that second pass blocks the request."""

    def findings(self, pieces: Sequence[tuple[str, Collection[str]]]) -> GuardFindings: ...
