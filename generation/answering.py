"""The answering service: retrieve, decide whether anything is relevant, answer locally with citations.

Two answer modes, measured side by side by `veil eval answers`:
- extractive: the best sentences of the hits, quoted (the default with the packaged base model);
- generative: the local model writes the answer from a prompt fitted into its context window; an
  answer that its citations do not support is replaced by the extractive one, with the reason.

The store is held only while searching: generation runs outside it, through the model's queue.
The routing seam (local vs. pseudonymised escalation) sits here; today every answer stays local.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import PurePath
from typing import Literal

from core.audit import AuditLog
from core.settings import GenerationSettings, RetrievalSettings
from core.types import LOCAL_ADMIN, Answer, Citation, Hit, Principal, SearchQuery
from generation.base import ChatModel
from generation.citations import cited_numbers
from generation.extractive import SentenceExtractor, quoted_answer
from generation.grounding import IDK, attribute, grounding_problems
from generation.prompts import NO_ANSWER, UNSUPPORTED_ANSWER, FittedPrompt, fit_prompt
from generation.streaming import AnswerRewriter
from retrieval.base import Embedder, VectorStore

log = logging.getLogger(__name__)

Mode = Literal["extractive", "generative"]
QUOTE_POOL = 2  # quotes are looked for in the top 2×top_k hits; an answer still cites at most 2 of them
MODES: tuple[Mode, ...] = ("extractive", "generative")


@dataclass(frozen=True)
class Token:
    """A piece of a generated answer, already in the answer's numbering."""

    text: str


@dataclass(frozen=True)
class Final:
    """The checked answer. `replaces_stream`: the streamed text failed a check and is withdrawn."""

    answer: Answer
    replaces_stream: bool = False


class Answerer:
    def __init__(self, embedder: Embedder, store: VectorStore, chat: ChatModel,
                 retrieval: RetrievalSettings, generation: GenerationSettings | None = None,
                 audit: AuditLog | None = None, store_lock: AbstractContextManager | None = None) -> None:
        self._embedder, self._store, self._chat, self._retrieval = embedder, store, chat, retrieval
        self._audit = audit
        self._store_lock = store_lock or nullcontext()
        self.default_mode: Mode = (generation or GenerationSettings()).resolved_mode()
        self._extractor = SentenceExtractor(embedder)

    def retrieve(self, question: str, collection: str, top_k: int | None = None,
                 principal: Principal = LOCAL_ADMIN) -> list[Hit]:
        """The principal's best hits in the configured mode; none when nothing is relevant enough.

        Relevance is the dense cosine (`retrieval.min_score`): fused and BM25 scores have no fixed
        scale. In dense mode each hit must reach it; otherwise the best dense hit decides for all.
        """
        vector, k, mode = self._embedder.embed_query(question), top_k or self._retrieval.top_k, self._retrieval.mode
        floor = self._retrieval.min_score
        with self._store_lock:
            if mode == "dense":
                hits = self._store.search(SearchQuery(vector, collection, k, question, "dense", principal))
                return [h for h in hits if h.score >= floor]
            best = self._store.search(SearchQuery(vector, collection, 1, question, "dense", principal))
            if not best or best[0].score < floor:
                return []
            return self._store.search(SearchQuery(vector, collection, k, question, mode, principal))

    def answer(self, question: str, collection: str, top_k: int | None = None,
               generate: bool = True, mode: Mode | None = None, principal: Principal = LOCAL_ADMIN) -> Answer:
        answer: Answer | None = None
        try:
            k = top_k or self._retrieval.top_k
            pool = self.retrieve(question, collection, k * QUOTE_POOL, principal)
            answer = self._answer(question, pool, k, generate, mode or self.default_mode)
            return answer
        finally:  # a query whose generation failed is audited too
            self._audit_query(question, collection, answer)

    def stream(self, question: str, collection: str, top_k: int | None = None,
               mode: Mode | None = None, principal: Principal = LOCAL_ADMIN) -> Iterator[Token | Final]:
        """Tokens as the model writes them (generative mode), then the checked answer."""
        final: Final | None = None
        try:
            k = top_k or self._retrieval.top_k
            pool = self.retrieve(question, collection, k * QUOTE_POOL, principal)
            if (mode or self.default_mode) != "generative" or not pool:
                final = Final(self._answer(question, pool, k, True, mode or self.default_mode))
            else:
                final = yield from self._stream_generated(question, pool, k)
            yield final
        finally:
            self._audit_query(question, collection, final.answer if final else None)

    def _answer(self, question: str, pool: list[Hit], k: int, generate: bool, mode: Mode) -> Answer:
        """`pool`: the relevant hits, best first; the top `k` are the answer's sources."""
        if not pool:
            return Answer(NO_ANSWER, "none", reason="no stored passage is relevant enough")
        if not generate:
            return Answer("", "none", tuple(_citation(h) for h in pool[:k]), reason="retrieval only")
        if mode == "extractive":
            return self._extract(question, pool, "quoted from the sources (extractive mode)")
        prompt = fit_prompt(self._chat, question, pool[:k])
        if prompt is None:
            return self._extract(question, pool, "the question and its sources do not fit the model's context")
        completion = self._chat.complete(prompt.messages)
        log.info("answered locally with %s: %d prompt + %d completion tokens, %d of %d sources",
                 self._chat.name, completion.prompt_tokens, completion.completion_tokens,
                 len(prompt.hits), min(k, len(pool)))
        return self._checked(question, prompt, completion.text, pool)

    def _stream_generated(self, question: str, pool: list[Hit], k: int):
        prompt = fit_prompt(self._chat, question, pool[:k])
        if prompt is None:
            return Final(self._extract(question, pool, "the question and its sources do not fit the model's context"))
        rewriter = AnswerRewriter(prompt.placeholders)
        raw: list[str] = []
        for piece in self._chat.stream(prompt.messages):
            raw.append(piece)
            if text := rewriter.feed(piece):
                yield Token(text)
        if rest := rewriter.flush():
            yield Token(rest)
        answer = self._checked(question, prompt, "".join(raw).strip(), pool)
        return Final(answer, replaces_stream=answer.mode != "generative")

    def _checked(self, question: str, prompt: FittedPrompt, text: str, hits: Sequence[Hit]) -> Answer:
        """The generated answer if its citations support it, else the extractive one, saying why."""
        if not cited_numbers(text) and not IDK.search(text):
            text = attribute(text, prompt.texts)
        problems = grounding_problems(text, question, prompt.texts)
        if problems:
            why = "; ".join(problems)
            log.info("withheld the generated answer: %s", why)
            return self._extract(question, hits, f"the generated answer was withheld ({why}); quoted instead")
        if IDK.search(text):
            return Answer(text, "local", tuple(_citation(h) for h in prompt.hits), "generative",
                          "the model found no answer in the sources")
        order = cited_numbers(text) or list(range(1, len(prompt.hits) + 1))
        rewritten = AnswerRewriter(prompt.placeholders, order).rewrite(text)
        return Answer(rewritten, "local", tuple(_citation(prompt.hits[n - 1]) for n in order), "generative",
                      f"generated by {self._chat.name}, supported by its citations")

    def _extract(self, question: str, hits: Sequence[Hit], reason: str) -> Answer:
        """Quotes from `hits` (the whole pool); with none, the top hits are cited as they are."""
        quotes = self._extractor.quotes(question, hits)
        if not quotes:
            top = hits[: max(1, len(hits) // QUOTE_POOL)]
            return Answer(UNSUPPORTED_ANSWER, "local", tuple(_citation(h) for h in top), "extractive",
                          "no sentence of the sources answers the question")
        order = list(dict.fromkeys(q.hit for q in quotes))  # best first: [1] is the best quote's hit
        numbers = {hit: n for n, hit in enumerate(order, start=1)}
        return Answer(quoted_answer(quotes, hits, numbers), "local",
                      tuple(_citation(hits[i]) for i in order), "extractive", reason)

    def _audit_query(self, question: str, collection: str, answer: Answer | None) -> None:
        if not self._audit:  # the question may hold personal data: only its keyed HMAC is kept
            return
        self._audit.append("query", {
            "collection": collection, "question_hmac": self._audit.hash_value(question),
            "outcome": "failed" if answer is None else "answered",
            "route": answer.route if answer else "none", "mode": answer.mode if answer else None,
            "model": self._chat.name if answer and answer.mode == "generative" else None,
            "chunks": [c.chunk_id for c in answer.citations] if answer else [],
            "reason": answer.reason if answer else "the query failed before an answer was made",
        })


def _citation(hit: Hit) -> Citation:
    return Citation(PurePath(hit.source).name, hit.page, hit.chunk_id, round(hit.score, 4), hit.text,
                    hit.doc_id, hit.source, hit.start, hit.end)
