"""Citation marks: `[n]` in an answer is the n-th entry of its `citations` list.

A model cites the numbers of its prompt; the answer lists only the hits it cites, in the order it
first cites them, so the marks are renumbered to match.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

MARK = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")


def cited_numbers(text: str) -> list[int]:
    """Every number cited, once each, in order of first mention."""
    seen: list[int] = []
    for mark in MARK.finditer(text):
        for number in (int(n) for n in mark.group(1).split(",")):
            if number not in seen:
                seen.append(number)
    return seen


def renumber_marks(text: str, order: Sequence[int]) -> str:
    """Rewrite each cited number n as its position in `order` (1-based)."""
    position = {number: i for i, number in enumerate(order, start=1)}

    def rewrite(mark: re.Match) -> str:
        numbers = (int(n) for n in mark.group(1).split(","))
        return "[" + ", ".join(str(position.get(n, n)) for n in numbers) + "]"

    return MARK.sub(rewrite, text)
