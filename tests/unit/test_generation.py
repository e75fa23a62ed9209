from __future__ import annotations

import numpy as np

from core.settings import RetrievalSettings
from core.types import Hit, Message
from generation.answering import Answerer
from generation.llamacpp import completion_prompt, gemma_prompt
from generation.prompts import NO_ANSWER, grounded_messages
from tests.fakes import ScriptedChat


def hit(text, score=0.9, page=2):
    return Hit("c1", "d1", "/x/report.pdf", page, text, score)


def test_grounded_prompt_numbers_sources_and_keeps_placeholders():
    messages = grounded_messages("  What dose? ", [hit("<PERSON_1> takes 5 mg."), hit("Other.", page=None)])
    user = messages[-1].content
    assert "[1] (report.pdf, page 2)\n<PERSON_1> takes 5 mg." in user
    assert "[2] (report.pdf)\nOther." in user and user.endswith("Question: What dose?")
    assert "I don't know" in messages[0].content


def test_prompt_renderings():
    messages = [Message("system", "SYS"), Message("user", "Q1")]
    assert gemma_prompt(messages) == "<start_of_turn>user\nSYS\n\nQ1<end_of_turn>\n<start_of_turn>model\n"
    assert completion_prompt(messages) == "SYS\n\nQ1\nAnswer:"


class StubStore:
    def __init__(self, hits):
        self.hits, self.queries = hits, []

    def search(self, query):
        self.queries.append(query)
        return self.hits


class StubEmbedder:
    model_id, dim = "stub", 3

    def embed_query(self, text):
        return np.ones(3, np.float32)


def test_low_scores_mean_i_dont_know_without_calling_the_model():
    chat = ScriptedChat()
    answerer = Answerer(StubEmbedder(), StubStore([hit("x", score=0.1)]), chat, RetrievalSettings(min_score=0.3))
    answer = answerer.answer("q", "default")
    assert (answer.answer, answer.route, answer.citations) == (NO_ANSWER, "none", ())
    assert chat.calls == []


def test_answer_cites_only_relevant_hits():
    store = StubStore([hit("good", 0.8), hit("weak", 0.2)])
    answerer = Answerer(StubEmbedder(), store, ScriptedChat("ok [1]"), RetrievalSettings(min_score=0.3, top_k=7))
    answer = answerer.answer("q", "legal")
    assert answer.route == "local" and [c.text for c in answer.citations] == ["good"]
    assert answer.citations[0].document == "report.pdf"
    assert store.queries[0].collection == "legal" and store.queries[0].top_k == 7


def test_figures_are_compared_without_separators_placeholders_or_citation_marks():
    from generation.grounding import figures, unsupported_figures

    assert figures("EUR 42,318.50 to <PERSON_2> [1], [1, 2]") == {"42318.50"}
    sources = ["The wire is EUR 42,318.50 after a 2% discount.", "Repairs: $6,842.17."]
    assert unsupported_figures("It is 42318.50 euros [1] at 2 percent.", "How much?", sources) == set()
    assert unsupported_figures("About $1,000 [2].", "How much?", sources) == {"1000"}
    assert unsupported_figures("In 2024 [1].", "What happened in 2024?", sources) == set()


def test_an_answer_with_an_invented_figure_is_withheld_but_its_sources_are_cited():
    from generation.prompts import UNSUPPORTED_ANSWER

    store = StubStore([hit("The body shop estimated the repair at $6,842.17.")])
    invented = Answerer(StubEmbedder(), store, ScriptedChat("The repair costs $1,000 [1]."), RetrievalSettings())
    answer = invented.answer("What did the body shop estimate?", "default")
    assert answer.answer == UNSUPPORTED_ANSWER and answer.route == "local" and len(answer.citations) == 1
    faithful = Answerer(StubEmbedder(), store, ScriptedChat("It is $6,842.17 [1]."), RetrievalSettings())
    assert faithful.answer("What did the body shop estimate?", "default").answer == "It is $6,842.17 [1]."
