"""From the prompt's numbering to the answer's, also while tokens stream.

A model writes the prompt's placeholder numbers and source numbers; the user reads the stored
placeholders and citation numbers in the order the answer first cites them. A placeholder or a
citation mark may arrive split across tokens, so the stream holds back an unfinished `<…` or `[…`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from generation.citations import MARK
from generation.placeholders import PromptPlaceholders

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
