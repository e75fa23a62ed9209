"""Grounded prompts: numbered sources, answer only from them, cite them, admit ignorance.

The worked example matters for small local models: a 270M base model follows a demonstrated
"Question/Answer [n]" pattern far better than an instruction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath

from core.types import Hit, Message
from generation.base import ChatModel
from generation.injection import without_instructions
from generation.placeholders import PromptPlaceholders

INSTRUCTIONS = (
    "Answer the question in one or two sentences using only the numbered sources. Personal data in "
    "the sources was replaced by placeholders such as <PERSON_1>; keep them as they are. Cite the "
    "source you used like [1]. If the sources do not contain the answer, say \"I don't know.\""
)
EXTERNAL_INSTRUCTIONS = (
    "Answer the question in one or two sentences using only the numbered sources. Personal data in the "
    "sources and the question was replaced by placeholders of the form <TYPE_N>; keep them exactly as "
    "they are. Cite the source you used like [1]. If the sources do not contain the answer, say "
    "\"I don't know.\""
)
EXAMPLE = (
    "Sources:\n[1] (memo.txt)\nThe office will be closed on 3 May for maintenance. Staff should work "
    "from home that day.\n\nQuestion: When is the office closed?\n"
    "Answer: The office is closed on 3 May for maintenance [1]."
)
NO_ANSWER = "I don't know: no stored document is relevant enough to answer this question."
UNSUPPORTED_ANSWER = ("The local model's answer is not supported by the sources, so it is withheld. "
                      "The most relevant passages are cited below.")


def source_label(hit: Hit) -> str:
    name = PurePath(hit.source).name
    return f"{name}, page {hit.page}" if hit.page else name


def format_sources(hits: Sequence[Hit], texts: Sequence[str] | None = None) -> str:
    """Numbered sources; `texts` replaces the hits' stored text (placeholders renumbered for the prompt)."""
    texts = texts if texts is not None else [h.text for h in hits]
    return "\n\n".join(f"[{n}] ({source_label(h)})\n{t}" for n, (h, t) in enumerate(zip(hits, texts), start=1))


def grounded_messages(question: str, hits: Sequence[Hit], texts: Sequence[str] | None = None) -> list[Message]:
    return [
        Message("system", f"{INSTRUCTIONS}\n\nExample:\n\n{EXAMPLE}"),
        Message("user", f"Sources:\n{format_sources(hits, texts)}\n\nQuestion: {question.strip()}"),
    ]


def external_messages(question: str, hits: Sequence[Hit], texts: Sequence[str],
                      history: Sequence[Message] = ()) -> list[Message]:
    """For a closed model: instructions without the worked example (it needs none, and every word
    that leaves must pass the egress guard), the chat history, then the sources and the question.
    Sources are numbered only: their file names stay home."""
    sources = "\n\n".join(f"[{n}]\n{t}" for n, t in enumerate(texts, start=1))
    return [Message("system", EXTERNAL_INSTRUCTIONS), *history,
            Message("user", f"Sources:\n{sources}\n\nQuestion: {question.strip()}")]


@dataclass(frozen=True)
class FittedPrompt:
    """The hits that fit the model's context, their prompt text (placeholders renumbered) and messages."""

    hits: tuple[Hit, ...]
    texts: tuple[str, ...]
    placeholders: PromptPlaceholders
    messages: list[Message]


def build_prompt(question: str, hits: Sequence[Hit], history: Sequence[Message] | None = None) -> FittedPrompt:
    """`history` given (even empty) builds the external prompt; None the local one. A source's sentences
    that address the model are replaced by `[instruction-like text removed]` (`generation.injection`):
    document text reaches a model as material to answer from, never as instructions."""
    placeholders = PromptPlaceholders()
    texts = tuple(placeholders.renumber(h.doc_id, without_instructions(h.text)) for h in hits)
    messages = (grounded_messages(question, hits, texts) if history is None
                else external_messages(question, hits, texts, history))
    return FittedPrompt(tuple(hits), texts, placeholders, messages)


def fit_prompt(chat: ChatModel, question: str, hits: Sequence[Hit],
               history: Sequence[Message] | None = None) -> FittedPrompt | None:
    """The prompt with the most top hits that leaves `max_tokens` free in the context window; the
    lowest hits are dropped, never truncated. None when not even the best hit fits."""
    budget = chat.context_window - chat.max_tokens

    def fits(n: int) -> bool:
        return chat.prompt_tokens(build_prompt(question, hits[:n], history).messages) <= budget

    low, high = 0, len(hits)  # binary search: fits(low) holds or low == 0
    while low < high:
        mid = (low + high + 1) // 2
        low, high = (mid, high) if fits(mid) else (low, mid - 1)
    return build_prompt(question, hits[:low], history) if low else None
