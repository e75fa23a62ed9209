"""Grounded prompts: numbered sources, answer only from them, cite them, admit ignorance.

The worked example matters for small local models: a 270M base model follows a demonstrated
"Question/Answer [n]" pattern far better than an instruction.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePath

from core.types import Hit, Message

INSTRUCTIONS = (
    "Answer the question in one or two sentences using only the numbered sources. Personal data in "
    "the sources was replaced by placeholders such as <PERSON_1>; keep them as they are. Cite the "
    "source you used like [1]. If the sources do not contain the answer, say \"I don't know.\""
)
EXAMPLE = (
    "Sources:\n[1] (memo.txt)\nThe office will be closed on 3 May for maintenance. Staff should work "
    "from home that day.\n\nQuestion: When is the office closed?\n"
    "Answer: The office is closed on 3 May for maintenance [1]."
)
NO_ANSWER = "I don't know: no stored document is relevant enough to answer this question."
UNSUPPORTED_ANSWER = ("The local model's answer stated figures that are not in the sources, so it is withheld. "
                      "The most relevant passages are cited below.")


def source_label(hit: Hit) -> str:
    name = PurePath(hit.source).name
    return f"{name}, page {hit.page}" if hit.page else name


def format_sources(hits: Sequence[Hit]) -> str:
    return "\n\n".join(f"[{n}] ({source_label(h)})\n{h.text}" for n, h in enumerate(hits, start=1))


def grounded_messages(question: str, hits: Sequence[Hit]) -> list[Message]:
    return [
        Message("system", f"{INSTRUCTIONS}\n\nExample:\n\n{EXAMPLE}"),
        Message("user", f"Sources:\n{format_sources(hits)}\n\nQuestion: {question.strip()}"),
    ]
