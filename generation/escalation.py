"""Redacted escalation: what leaves, and how the reply comes home.

1. The sources are stored redacted; their placeholders are renumbered for this prompt.
2. The question and chat history get this request's own pseudonyms, numbered after the sources'.
3. The egress guard re-scans the exact outbound texts, each source with its own document's
   evidence; what it finds gets this request's pseudonyms too, and it reads the result once more.
   Only a finding that survives blocks the request (the client refuses to send otherwise).
4. The privacy budget is charged; the audit log records route, model, entity counts, both guard
   passes' counts and the payload's SHA-256 before anything is sent.
5. The reply's pseudonyms are restored locally and the grounding checks run, the question counting
   as a source; a reply that fails them is not used.

Any failure returns the reason the answer stays local; the caller answers locally.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass

from core.audit import AuditLog
from core.placeholders import PLACEHOLDER
from core.types import Answer, Citation, Hit, Message, Principal
from generation.base import Piece, Pseudonymiser, RequestPseudonyms
from generation.budget import PrivacyBudget
from generation.citations import cited_numbers
from generation.grounding import IDK, attribute, grounding_problems
from generation.openai_compat import EgressBlocked, EscalationError, GuardPasses, OpenAICompatibleChat, Outbound
from generation.placeholders import PromptPlaceholders
from generation.prompts import FittedPrompt, fit_prompt
from generation.streaming import AnswerRewriter, rewritten

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Prepared:
    prompt: FittedPrompt
    pseudonyms: RequestPseudonyms
    outbound: Outbound


@dataclass(frozen=True)
class Escalated:
    """The external answer, or why there is none (`answer` None: answer locally, saying `why`)."""

    answer: Answer | None
    why: str = ""


class _Restorer:
    """The reply's own pseudonyms first (to the caller's values), then the sources' prompt numbers."""

    def __init__(self, pseudonyms: RequestPseudonyms, placeholders: PromptPlaceholders) -> None:
        self._pseudonyms, self._placeholders = pseudonyms, placeholders

    def restore(self, text: str) -> str:
        return self._placeholders.restore(self._pseudonyms.restore(text))


class Escalator:
    def __init__(self, client: OpenAICompatibleChat, pseudonymiser: Pseudonymiser, budget: PrivacyBudget,
                 audit: AuditLog | None = None) -> None:
        self._client, self._pseudonymiser, self._budget, self._audit = client, pseudonymiser, budget, audit
        self.model = client.name

    def stream(self, question: str, history: Sequence[Message], hits: Sequence[Hit], principal: Principal,
               collection: str, reason: str, cite: Callable[[Hit], Citation],
               live: bool = True) -> Generator[str, None, Escalated]:
        """Yields answer text as it arrives (already restored); returns the checked Escalated.
        `live` False asks the API for its whole reply at once (a request without `stream`)."""
        ready = self._prepare(question, history, hits, principal, collection, reason, stream=live)
        if isinstance(ready, Escalated):
            return ready
        rewriter = AnswerRewriter(_Restorer(ready.pseudonyms, ready.prompt.placeholders))
        try:
            reply = yield from rewritten(self._client.send(ready.outbound), rewriter)
        except EscalationError as exc:
            return Escalated(None, str(exc))
        return self._checked(question, ready, reply.text, reason, cite)

    def close(self) -> None:
        self._client.close()
        self._budget.close()

    def _prepare(self, question, history, hits, principal, collection, reason, stream) -> Prepared | Escalated:
        numbering = PromptPlaceholders()
        for hit in hits:  # the sources' numbers: the question's pseudonyms count on from them
            numbering.renumber(hit.doc_id, hit.text)
        pseudonyms = self._pseudonymiser.session(numbering.highest())
        question_out, *history_texts = pseudonyms.pseudonymise([question, *(m.content for m in history)])
        history_out = [Message(m.role, text) for m, text in zip(history, history_texts)]
        prompt = fit_prompt(self._client, question_out, hits, history_out)
        if prompt is None:
            return Escalated(None, "the question and its sources do not fit the closed model's context")
        evidence = [Piece(text, hit.common_words) for text, hit in zip(prompt.texts, prompt.hits)]
        try:
            outbound = self._client.prepare(prompt.messages, stream=stream, evidence=evidence, pseudonyms=pseudonyms)
        except EgressBlocked as exc:
            self._record(principal, collection, reason, "blocked", exc.findings, None, exc.passes)
            return Escalated(None, str(exc))
        sent = entity_counts(outbound.messages)
        if refused := self._budget.reserve(principal.name, sum(sent.values())):
            self._record(principal, collection, reason, "refused", sent, None, outbound.guard)
            return Escalated(None, refused)
        self._record(principal, collection, reason, "sent", sent, outbound, outbound.guard)
        return Prepared(prompt, pseudonyms, outbound)

    def _checked(self, question: str, ready: Prepared, reply: str, reason: str, cite: Callable[[Hit], Citation]) -> Escalated:
        prompt = ready.prompt
        restored = ready.pseudonyms.restore(reply)
        if not cited_numbers(restored) and not IDK.search(restored):
            restored = attribute(restored, prompt.texts)
        if problems := grounding_problems(restored, question, prompt.texts):
            log.info("withheld the external answer: %s", "; ".join(problems))
            return Escalated(None, f"the external answer was withheld ({'; '.join(problems)})")
        order = cited_numbers(restored) or list(range(1, len(prompt.hits) + 1))
        text = AnswerRewriter(prompt.placeholders, order).rewrite(restored)
        citations: tuple[Citation, ...] = tuple(cite(prompt.hits[n - 1]) for n in order)
        return Escalated(Answer(text, "external", citations, "generative",
                                f"escalated to {self.model}: {reason}", ready.outbound.body))

    def _record(self, principal: Principal, collection: str, reason: str, status: str,
                entities: dict[str, int], outbound: Outbound | None, guard: GuardPasses) -> None:
        """`entities`: placeholders sent by type (blocked: what the guard's second pass found);
        `guard`: both passes' counts by type, never a value."""
        if self._audit is None:
            return
        self._audit.append("escalation", {
            "status": status, "route": "external" if status == "sent" else "local",
            "reason": reason, "model": self.model, "collection": collection, "principal": principal.name,
            "entities": dict(sorted(entities.items())), "guard": guard.audit(),
            "payload_sha256": outbound.sha256 if outbound else None,
        })


def entity_counts(messages: Sequence[Message]) -> dict[str, int]:
    """Distinct placeholders in the outbound texts, by type: what the budget and the audit count."""
    tokens = {m.group() for message in messages for m in PLACEHOLDER.finditer(message.content)}
    return dict(Counter(PLACEHOLDER.fullmatch(t).group(1) for t in tokens))
