"""Grounded prompts: numbered sources, answer only from them, cite them, admit ignorance."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePath

from core.types import Hit, Message

SYSTEM = (
    "You answer questions using only the numbered sources below. Personal data in the sources was "
    "replaced by placeholders such as <PERSON_1>; keep placeholders as they are. Cite the sources you "
    "use like [1]. If the sources do not contain the answer, say \"I don't know.\""
)
NO_ANSWER = "I don't know: no stored document is relevant enough to answer this question."


def source_label(hit: Hit) -> str:
    name = PurePath(hit.source).name
    return f"{name}, page {hit.page}" if hit.page else name


def format_sources(hits: Sequence[Hit]) -> str:
    return "\n\n".join(f"[{n}] ({source_label(h)})\n{h.text}" for n, h in enumerate(hits, start=1))


def grounded_messages(question: str, hits: Sequence[Hit]) -> list[Message]:
    return [
        Message("system", SYSTEM),
        Message("user", f"Sources:\n\n{format_sources(hits)}\n\nQuestion: {question.strip()}"),
    ]
