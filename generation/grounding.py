"""A figure in an answer must come from the sources: small local models invent amounts and dates.

The check is literal and cheap: every number the answer states (placeholders and citation marks
aside) must appear in the question or in a cited source, separators ignored ("EUR 42,318.50" and
"42318.50" agree). An answer that fails it is withheld rather than shown with a made-up figure.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_PLACEHOLDER = re.compile(r"<[A-Z_]+_\d+>")
_CITATION_MARK = re.compile(r"\[\d+(?:\s*,\s*\d+)*\]")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def figures(text: str) -> set[str]:
    text = _CITATION_MARK.sub(" ", _PLACEHOLDER.sub(" ", text))
    return {m.group().replace(",", "") for m in _NUMBER.finditer(text)}


def unsupported_figures(answer: str, question: str, sources: Iterable[str]) -> set[str]:
    known = figures(question).union(*(figures(s) for s in sources))
    return figures(answer) - known
