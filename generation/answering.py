"""The answering service: retrieve, decide whether anything is relevant, answer locally with citations.

Two answer modes, measured side by side by `veil eval answers`:
- extractive: the best sentences of the hits, quoted (the default with the packaged base model);
- generative: the local model writes the answer from a prompt fitted into its context window; an
  answer that its citations do not support is replaced by the extractive one, with the reason.

One path: every answer is a stream of events (tokens, then the checked `Final`); `stream()` hands
them out as they come, `answer()` runs the same stream and returns its final answer.
The store is held only while searching: generation runs outside it, through the model's queue.
The router picks local or external per collection policy; an escalation that cannot be used
(blocked, over budget, failed, unsupported) leaves the local answer, with the reason.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Generator, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, replace
from pathlib import PurePath
from typing import Literal

from core.audit import AuditLog
from core.settings import EscalationSettings, GenerationSettings, RetrievalSettings
from core.types import LOCAL_ADMIN, Answer, Citation, Hit, Message, Principal, SearchQuery
from generation.base import ChatModel
from generation.citations import cited_numbers
from generation.escalation import Escalator
from generation.extractive import SentenceExtractor, quoted_answer
from generation.grounding import IDK, attribute, grounding_problems
from generation.prompts import NO_ANSWER, UNSUPPORTED_ANSWER, FittedPrompt, fit_prompt
from generation.router import Decision, Router, Signals
from generation.streaming import AnswerRewriter, drain, each, rewritten, written
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


@dataclass(frozen=True)
class Found:
    hits: list[Hit]  # the principal's relevant hits, best first
    top_score: float = 0.0  # the best dense cosine: relevance on a fixed scale


@dataclass(frozen=True)
class Local:
    """A local answer and how sure Veil is of it (the router's `auto` signals)."""

    answer: Answer
    quote_score: float | None = None
    mean_logprob: float | None = None
    withheld: bool = False

    def signals(self, top_score: float) -> Signals:
        unsure = self.withheld or self.answer.answer == UNSUPPORTED_ANSWER or bool(IDK.search(self.answer.answer))
        return Signals(top_score, unsure, self.quote_score, self.mean_logprob)


class Answerer:
    def __init__(self, embedder: Embedder, store: VectorStore, chat: ChatModel,
                 retrieval: RetrievalSettings, generation: GenerationSettings | None = None,
                 audit: AuditLog | None = None, store_lock: AbstractContextManager | None = None,
                 router: Router | None = None, escalator: Escalator | None = None,
                 embedders: Callable[[str], Embedder] | None = None) -> None:
        """`embedders`: the embedder a collection's question is embedded with, its recorded one
        (`ingest.collections`); default `embedder` for every collection."""
        self._embedder, self._store, self._chat, self._retrieval = embedder, store, chat, retrieval
        self._embedders = embedders or (lambda collection: embedder)
        self._audit = audit
        self._store_lock = store_lock or nullcontext()
        self.default_mode: Mode = (generation or GenerationSettings()).resolved_mode()
        self._extractor = SentenceExtractor(embedder)
        self._router = router or Router(EscalationSettings())
        self._escalator = escalator

    def retrieve(self, question: str, collection: str, top_k: int | None = None,
                 principal: Principal = LOCAL_ADMIN) -> list[Hit]:
        return self._find(question, collection, top_k, principal).hits

    def _find(self, question: str, collection: str, top_k: int | None, principal: Principal) -> Found:
        """The principal's best hits in the configured mode; none when nothing is relevant enough.

        Relevance is the dense cosine (`retrieval.min_score`): fused and BM25 scores have no fixed
        scale. In dense mode each hit must reach it; otherwise the best dense hit decides for all.
        """
        vector = self._embedders(collection).embed_query(question)
        k, mode = top_k or self._retrieval.top_k, self._retrieval.mode
        floor = self._retrieval.min_score
        with self._store_lock:
            if mode == "dense":
                hits = self._store.search(SearchQuery(vector, collection, k, question, "dense", principal))
                return Found([h for h in hits if h.score >= floor], hits[0].score if hits else 0.0)
            best = self._store.search(SearchQuery(vector, collection, 1, question, "dense", principal))
            if not best or best[0].score < floor:
                return Found([], best[0].score if best else 0.0)
            return Found(self._store.search(SearchQuery(vector, collection, k, question, mode, principal)),
                         best[0].score)

    def answer(self, question: str, collection: str, top_k: int | None = None,
               generate: bool = True, mode: Mode | None = None, principal: Principal = LOCAL_ADMIN,
               escalate: bool = False, history: Sequence[Message] = ()) -> Answer:
        """The final event of the answer's stream. Nobody reads its tokens, so each model is asked
        for its whole reply at once (one piece; a blocking request to a closed API).
        `escalate`: the caller asks for the closed model (the collection's policy decides).
        `history`: earlier turns, sent (pseudonymised) with an escalated question only."""
        *_, final = self._events(question, collection, top_k, mode, principal, escalate, history,
                                 generate, live=False)
        return final.answer

    def stream(self, question: str, collection: str, top_k: int | None = None,
               mode: Mode | None = None, principal: Principal = LOCAL_ADMIN,
               escalate: bool = False, history: Sequence[Message] = ()) -> Iterator[Token | Final]:
        """Tokens as a model writes them (generative or escalated), then the checked answer."""
        return self._events(question, collection, top_k, mode, principal, escalate, history, True, live=True)

    def _events(self, question: str, collection: str, top_k: int | None, mode: Mode | None,
                principal: Principal, escalate: bool, history: Sequence[Message], generate: bool,
                live: bool) -> Iterator[Token | Final]:
        """The one answer path. `live`: models hand over their text piece by piece."""
        final: Final | None = None
        try:
            k = top_k or self._retrieval.top_k
            found = self._find(question, collection, k * QUOTE_POOL, principal)
            final = yield from self._routed(question, history, found, k, mode or self.default_mode,
                                            collection, principal, escalate, generate, live)
            yield final
        finally:  # a query whose generation failed (or whose reader went away) is audited too
            self._audit_query(question, collection, final.answer if final else None, principal)

    def assess(self, question: str, collection: str, mode: Mode | None = None,
               principal: Principal = LOCAL_ADMIN, logprobs: bool = False) -> tuple[Answer, Signals]:
        """The local answer and the signals `auto` would route it by (for evaluation); the
        generated answer's log-probabilities only when asked (they cost about 8 ms a token)."""
        k = self._retrieval.top_k
        found = self._find(question, collection, k * QUOTE_POOL, principal)
        local = drain(self._local(question, found.hits, k, mode or self.default_mode, False, logprobs=logprobs))
        return local.answer, local.signals(found.top_score)

    def _decide(self, question: str, found: Found, k: int, mode: Mode, collection: str,
                asked: bool) -> tuple[Decision, Local | None]:
        """The route, and the local answer when deciding needed it (policy auto)."""
        made: list[Local] = []

        def signals() -> Signals:
            made.append(drain(self._local(question, found.hits, k, mode, False, logprobs=True)))
            return made[0].signals(found.top_score)

        decision = self._router.decide(collection, asked, signals)
        if decision.escalate and self._escalator is None:
            return Decision(False, "escalation is not available in this process"), made[0] if made else None
        return decision, made[0] if made else None

    def _routed(self, question: str, history: Sequence[Message], found: Found, k: int, mode: Mode,
                collection: str, principal: Principal, asked: bool, generate: bool,
                live: bool) -> Generator[Token, None, Final]:
        """Retrieval only, the closed model's answer, or the local one; the reason says which and why."""
        if not found.hits or not generate:
            return Final((yield from self._local(question, found.hits, k, mode, live, generate=generate)).answer)
        decision, local = self._decide(question, found, k, mode, collection, asked)
        if decision.escalate:
            result = yield from each(self._escalator.stream(
                question, history, found.hits[:k], principal, collection, decision.reason, _citation, live), Token)
            if result.answer is not None:
                return Final(result.answer)
            local = local or drain(self._local(question, found.hits, k, mode, False))
            return Final(_with_reason(local.answer, f"stayed local: {result.why}"), replaces_stream=True)
        if local is not None:  # made to decide the route: nothing of it was streamed
            return Final(_with_reason(local.answer, decision.reason))
        local = yield from self._local(question, found.hits, k, mode, live)
        return Final(_with_reason(local.answer, decision.reason), replaces_stream=local.withheld)

    def _local(self, question: str, pool: list[Hit], k: int, mode: Mode, live: bool, generate: bool = True,
               logprobs: bool = False) -> Generator[Token, None, Local]:
        """`pool`: the relevant hits, best first; the top `k` are the answer's sources."""
        if not pool:
            return Local(Answer(NO_ANSWER, "none", reason="no stored passage is relevant enough"))
        if not generate:
            return Local(Answer("", "none", tuple(_citation(h) for h in pool[:k]), reason="retrieval only"))
        if mode == "extractive":
            return self._extract(question, pool, "quoted from the sources (extractive mode)")
        return (yield from self._generated(question, pool, k, live, logprobs))

    def _generated(self, question: str, pool: list[Hit], k: int, live: bool,
                   logprobs: bool) -> Generator[Token, None, Local]:
        prompt = fit_prompt(self._chat, question, pool[:k])
        if prompt is None:
            return self._extract(question, pool, "the question and its sources do not fit the model's context")
        pieces = written(self._chat, prompt.messages, live, logprobs=logprobs)
        completion = yield from each(rewritten(pieces, AnswerRewriter(prompt.placeholders)), Token)
        if not live:
            log.info("answered locally with %s: %d prompt + %d completion tokens, %d of %d sources",
                     self._chat.name, completion.prompt_tokens, completion.completion_tokens,
                     len(prompt.hits), min(k, len(pool)))
        local = self._checked(question, prompt, completion.text, pool)
        return replace(local, mean_logprob=completion.mean_logprob)

    def _checked(self, question: str, prompt: FittedPrompt, text: str, hits: Sequence[Hit]) -> Local:
        """The generated answer if its citations support it, else the extractive one, saying why."""
        if not cited_numbers(text) and not IDK.search(text):
            text = attribute(text, prompt.texts)
        problems = grounding_problems(text, question, prompt.texts)
        if problems:
            why = "; ".join(problems)
            log.info("withheld the generated answer: %s", why)
            quoted = self._extract(question, hits, f"the generated answer was withheld ({why}); quoted instead")
            return replace(quoted, withheld=True)
        if IDK.search(text):
            return Local(Answer(text, "local", tuple(_citation(h) for h in prompt.hits), "generative",
                                "the model found no answer in the sources"))
        order = cited_numbers(text) or list(range(1, len(prompt.hits) + 1))
        rewritten = AnswerRewriter(prompt.placeholders, order).rewrite(text)
        return Local(Answer(rewritten, "local", tuple(_citation(prompt.hits[n - 1]) for n in order), "generative",
                            f"generated by {self._chat.name}, supported by its citations"))

    def _extract(self, question: str, hits: Sequence[Hit], reason: str) -> Local:
        """Quotes from `hits` (the whole pool); with none, the top hits are cited as they are."""
        quotes = self._extractor.quotes(question, hits)
        if not quotes:
            top = hits[: max(1, len(hits) // QUOTE_POOL)]
            return Local(Answer(UNSUPPORTED_ANSWER, "local", tuple(_citation(h) for h in top), "extractive",
                                "no sentence of the sources answers the question"))
        order = list(dict.fromkeys(q.hit for q in quotes))  # best first: [1] is the best quote's hit
        numbers = {hit: n for n, hit in enumerate(order, start=1)}
        return Local(Answer(quoted_answer(quotes, hits, numbers), "local",
                            tuple(_citation(hits[i]) for i in order), "extractive", reason), quotes[0].score)

    def _model_of(self, answer: Answer | None) -> str | None:
        if answer is None or answer.mode != "generative":
            return None
        return self._escalator.model if answer.route == "external" and self._escalator else self._chat.name

    def _audit_query(self, question: str, collection: str, answer: Answer | None,
                     principal: Principal) -> None:
        if not self._audit:  # the question may hold personal data: only its keyed HMAC is kept
            return
        self._audit.append("query", {
            "collection": collection, "principal": principal.name, "question_hmac": self._audit.hash_value(question),
            "outcome": "failed" if answer is None else "answered",
            "route": answer.route if answer else "none", "mode": answer.mode if answer else None,
            "model": self._model_of(answer),
            "chunks": [c.chunk_id for c in answer.citations] if answer else [],
            "reason": answer.reason if answer else "the query failed before an answer was made",
        })


def _with_reason(answer: Answer, why: str) -> Answer:
    return replace(answer, reason=f"{why}; {answer.reason}") if why else answer


def _citation(hit: Hit) -> Citation:
    return Citation(PurePath(hit.source).name, hit.page, hit.chunk_id, round(hit.score, 4), hit.text,
                    hit.doc_id, hit.source, hit.start, hit.end)
