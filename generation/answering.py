"""The answering service: retrieve, decide whether anything is relevant, answer locally with citations.

The routing seam (local vs. pseudonymised escalation) sits here; today every answer stays local.
"""

from __future__ import annotations

import logging
from pathlib import PurePath

from core.audit import AuditLog
from core.settings import RetrievalSettings
from core.types import Answer, Citation, Hit, SearchQuery
from generation.base import ChatModel
from generation.grounding import unsupported_figures
from generation.prompts import NO_ANSWER, UNSUPPORTED_ANSWER, grounded_messages
from retrieval.base import Embedder, VectorStore

log = logging.getLogger(__name__)


class Answerer:
    def __init__(self, embedder: Embedder, store: VectorStore, chat: ChatModel,
                 retrieval: RetrievalSettings, audit: AuditLog | None = None) -> None:
        self._embedder, self._store, self._chat, self._retrieval = embedder, store, chat, retrieval
        self._audit = audit

    def retrieve(self, question: str, collection: str, top_k: int | None = None) -> list[Hit]:
        query = SearchQuery(self._embedder.embed_query(question), collection,
                            top_k or self._retrieval.top_k, text=question)
        return [h for h in self._store.search(query) if h.score >= self._retrieval.min_score]

    def answer(self, question: str, collection: str, top_k: int | None = None,
               generate: bool = True) -> Answer:
        hits = self.retrieve(question, collection, top_k)
        answer = self._answer(question, hits, generate)
        if self._audit:  # the question may hold personal data: only its keyed HMAC is kept
            self._audit.append("query", {
                "collection": collection, "question_hmac": self._audit.hash_value(question),
                "route": answer.route, "model": self._chat.name if answer.route == "local" else None,
                "chunks": [c.chunk_id for c in answer.citations],
                "answer_withheld": answer.answer == UNSUPPORTED_ANSWER,
            })
        return answer

    def _answer(self, question: str, hits: list[Hit], generate: bool) -> Answer:
        citations = tuple(_citation(h) for h in hits)
        if not hits:
            return Answer(NO_ANSWER, "none")
        if not generate:
            return Answer("", "none", citations)
        completion = self._chat.complete(grounded_messages(question, hits))
        log.info("answered locally with %s: %d prompt + %d completion tokens, %d sources",
                 self._chat.name, completion.prompt_tokens, completion.completion_tokens, len(hits))
        invented = unsupported_figures(completion.text, question, (h.text for h in hits))
        if invented:
            log.info("withheld the local answer: %d figure(s) not found in the sources", len(invented))
            return Answer(UNSUPPORTED_ANSWER, "local", citations)
        return Answer(completion.text or NO_ANSWER, "local", citations)


def _citation(hit: Hit) -> Citation:
    return Citation(PurePath(hit.source).name, hit.page, hit.chunk_id, round(hit.score, 4), hit.text)
