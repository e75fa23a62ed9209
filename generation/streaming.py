"""The one answer path is a stream; and from the prompt's numbering to the answer's while it streams.

Every answer is a generator of text pieces that returns its result (as simonw/llm's `Response`
iterates its chunks and `text()` forces them): a caller that wants the whole answer drains the same
generator (`drain`). `written` is where a model is asked: piece by piece (`live`), or for its whole
reply in one piece (which also reports token counts and, asked, log-probabilities).

A model writes the prompt's placeholder numbers and source numbers; the user reads the stored
placeholders and citation numbers in the order the answer first cites them. A placeholder or a
citation mark may arrive split across tokens, so the stream holds back an unfinished `<…` or `[…`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Generator, Iterable, Sequence
from typing import TypeVar

from core.types import Completion, Message
from generation.base import ChatModel
from generation.citations import MARK
from generation.placeholders import PromptPlaceholders

R, T, U = TypeVar("R"), TypeVar("T"), TypeVar("U")

_UNFINISHED = re.compile(r"(?:<[A-Z_\d]*|\[[\d,\s]*)$")
_LONGEST_HELD = 40  # past this an open bracket is plain text, not a mark in the making


class AnswerRewriter:
    def __init__(self, placeholders: PromptPlaceholders, order: Sequence[int] | None = None) -> None:
        self._placeholders = placeholders
        self._order: list[int] = list(order or [])
        self._held = ""

    def rewrite(self, text: str) -> str:
        text = self._placeholders.restore(text)
        return MARK.sub(self._renumber, text)

    def _renumber(self, mark: re.Match) -> str:
        numbers = [int(n) for n in mark.group(1).split(",")]
        for n in numbers:
            if n not in self._order:
                self._order.append(n)
        return "[" + ", ".join(str(self._order.index(n) + 1) for n in numbers) + "]"

    def feed(self, piece: str) -> str:
        text = self._held + piece
        unfinished = _UNFINISHED.search(text)
        cut = unfinished.start() if unfinished and len(text) - unfinished.start() < _LONGEST_HELD else len(text)
        self._held = text[cut:]
        return self.rewrite(text[:cut])

    def flush(self) -> str:
        rest, self._held = self._held, ""
        return self.rewrite(rest)


def drain(events: Generator[object, None, R]) -> R:
    """Run a generator to its end; what it returns (its yields are dropped)."""
    while True:
        try:
            next(events)
        except StopIteration as done:
            return done.value


def written(chat: ChatModel, messages: Sequence[Message], live: bool,
            **opts) -> Generator[str, None, Completion]:
    """The model's text, piece by piece as it writes it (`live`) or in one piece; returns the
    stripped Completion (token counts and log-probabilities only from a whole reply)."""
    if not live:
        completion = chat.complete(messages, **opts)
        if completion.text:
            yield completion.text
        return completion
    pieces: list[str] = []
    for piece in chat.stream(messages, **opts):
        pieces.append(piece)
        yield piece
    return Completion("".join(pieces).strip(), 0, 0)


def rewritten(pieces: Iterable[str], rewriter: AnswerRewriter) -> Generator[str, None, object]:
    """`pieces` in the answer's numbering as they come (unfinished marks held back); returns what
    `pieces` returns."""
    result = yield from each(pieces, rewriter.feed)
    if rest := rewriter.flush():
        yield rest
    return result


def each(pieces: Iterable[T], step: Callable[[T], U]) -> Generator[U, None, object]:
    """`step(piece)` for each piece, where it gives something; returns what `pieces` returns (a
    `for` loop would drop it)."""
    iterator = iter(pieces)
    while True:
        try:
            piece = next(iterator)
        except StopIteration as done:
            return done.value
        if out := step(piece):
            yield out
