from __future__ import annotations

import threading
import time

import pytest

from core.audit import AuditLog
from core.settings import GenerationSettings, RetrievalSettings
from core.types import Hit, Message
from generation.answering import QUOTE_POOL, Answerer, Final, Token
from generation.llamacpp import LlamaCppChat, completion_prompt, gemma_prompt
from generation.prompts import NO_ANSWER, build_prompt, fit_prompt, grounded_messages
from retrieval.hashing import HashingEmbedder
from tests.fakes import ScriptedChat

GENERATIVE = GenerationSettings(answer_mode="generative")


def hit(text, score=0.9, page=2, doc="d1", chunk="c1"):
    return Hit(chunk, doc, "/x/report.pdf", page, text, score, 0, len(text))


class StubStore:
    def __init__(self, hits):
        self.hits, self.queries = hits, []

    def search(self, query):
        self.queries.append(query)
        return self.hits


def answerer(hits, chat=None, generation=GENERATIVE, audit=None, **retrieval):
    """Dense mode: each stub hit is judged by its own score."""
    return Answerer(HashingEmbedder(64), StubStore(hits), chat or ScriptedChat(),
                    RetrievalSettings(**({"mode": "dense"} | retrieval)), generation, audit)


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


def test_stop_sequences_come_from_the_format_and_from_generation_stop():
    assert LlamaCppChat(GenerationSettings()).stop_sequences() == ["\n\n", "\nQuestion:"]
    gemma = LlamaCppChat(GenerationSettings(prompt_format="gemma", stop=("###",)))
    assert gemma.stop_sequences() == ["<end_of_turn>", "<start_of_turn>", "###"]


def test_the_packaged_base_model_answers_extractively_a_configured_model_generates(tmp_path):
    assert GenerationSettings().resolved_mode() == "extractive"
    assert GenerationSettings(model_path=tmp_path / "m.gguf").resolved_mode() == "generative"
    assert GenerationSettings(model_path=tmp_path / "m.gguf", answer_mode="extractive").resolved_mode() == "extractive"


def test_outside_dense_mode_the_best_dense_hit_decides_relevance():
    store = StubStore([hit("fused hit", score=0.02)])  # a fused (RRF) score has no fixed scale

    def search(query):
        store.queries.append(query)
        return [hit("probe", score=0.6 if relevant else 0.1)] if query.mode == "dense" else store.hits

    store.search = search
    for relevant, expected in ((True, ["fused hit"]), (False, [])):
        engine = Answerer(HashingEmbedder(64), store, ScriptedChat(), RetrievalSettings(mode="hybrid"))
        assert [h.text for h in engine.retrieve("q", "default")] == expected
    assert [(q.mode, q.top_k) for q in store.queries] == [("dense", 1), ("hybrid", 4), ("dense", 1)]


def test_low_scores_mean_i_dont_know_without_calling_the_model():
    chat = ScriptedChat()
    answer = answerer([hit("x", score=0.1)], chat, min_score=0.3).answer("q", "default")
    assert (answer.answer, answer.route, answer.citations, answer.mode) == (NO_ANSWER, "none", (), "none")
    assert answer.reason and chat.calls == []


def test_generated_answer_cites_only_relevant_hits_with_their_offsets():
    engine = answerer([hit("good", 0.8), hit("weak", 0.2)], ScriptedChat("ok [1]"), min_score=0.3, top_k=7)
    answer = engine.answer("q", "legal")
    assert (answer.route, answer.mode) == ("local", "generative")
    assert [c.text for c in answer.citations] == ["good"] and answer.citations[0].document == "report.pdf"
    assert (answer.citations[0].start, answer.citations[0].end, answer.citations[0].doc_id) == (0, 4, "d1")
    assert engine._store.queries[0].collection == "legal" and engine._store.queries[0].top_k == 7 * QUOTE_POOL


def test_figures_are_compared_without_separators_placeholders_or_citation_marks():
    from generation.grounding import figures, unsupported_figures

    assert figures("EUR 42,318.50 to <PERSON_2> [1], [1, 2]") == {"42318.50"}
    sources = ["The wire is EUR 42,318.50 after a 2% discount.", "Repairs: $6,842.17."]
    assert unsupported_figures("It is 42318.50 euros [1] at 2 percent.", "How much?", sources) == set()
    assert unsupported_figures("About $1,000 [2].", "How much?", sources) == {"1000"}
    assert unsupported_figures("In 2024 [1].", "What happened in 2024?", sources) == set()


SOURCE = ("Discharge medications: apixaban 5 mg twice daily for atrial fibrillation. "
          "Follow up with cardiology in two weeks.")


@pytest.mark.parametrize("reply, problem", [
    ("Ibuprofen 650 mg twice daily [1].", "figure"),                   # an invented dose
    ("Apixaban 5 mg twice daily [2].", "cites a source"),              # a source the prompt did not hold
    ("<PERSON_1>, <PERSON_2>, <PERSON_3> [1].", "run of placeholders"),
    ("Prescribed by <PERSON_4> [1].", "placeholder"),                 # nobody in the sources
    ("Warfarin tablets nightly with aspirin [1].", "words"),          # a drug no source names
])
def test_an_unsupported_generation_falls_back_to_quoting_the_sources(reply, problem):
    answer = answerer([hit(SOURCE)], ScriptedChat(reply)).answer("What apixaban dose was given?", "default")
    assert answer.mode == "extractive" and answer.route == "local"
    assert problem in answer.reason and "withheld" in answer.reason
    assert "apixaban 5 mg twice daily" in answer.answer and answer.answer.endswith("[1]")
    assert reply not in answer.answer


def test_a_supported_generation_is_kept():
    answer = answerer([hit(SOURCE)], ScriptedChat("Apixaban 5 mg twice daily [1].")).answer(
        "What dose of the blood thinner?", "default")
    assert (answer.mode, answer.answer) == ("generative", "Apixaban 5 mg twice daily [1].")


def test_placeholders_are_renumbered_per_request_and_mapped_back():
    hits = [hit("<PERSON_1> approved the loan.", doc="a", chunk="ca"),
            hit("<PERSON_1> signed the lease for <PERSON_2>.", doc="b", chunk="cb")]
    prompt = build_prompt("Who signed the lease?", hits)
    assert prompt.texts == ("<PERSON_1> approved the loan.", "<PERSON_2> signed the lease for <PERSON_3>.")
    chat = ScriptedChat("<PERSON_2> signed the lease [2].")
    answer = answerer(hits, chat).answer("Who signed the lease?", "default")
    assert answer.answer == "<PERSON_1> signed the lease [1]."  # document b's own token, cited as [1]
    assert [c.chunk_id for c in answer.citations] == ["cb"]
    assert [c.text for c in answer.citations] == [h.text for h in hits[1:]]  # stored text untouched
    assert "<PERSON_3>" in chat.calls[0][-1].content


def test_citation_marks_follow_the_order_of_first_mention():
    hits = [hit("Alpha rule applies to leases.", chunk="c1"), hit("Beta rule applies to loans.", chunk="c2"),
            hit("Gamma rule applies to grants.", chunk="c3")]
    answer = answerer(hits, ScriptedChat("Gamma rule [3] and alpha rule [1], again gamma [3].")).answer(
        "Which rules apply?", "default")
    assert answer.answer == "Gamma rule [1] and alpha rule [2], again gamma [1]."
    assert [c.chunk_id for c in answer.citations] == ["c3", "c1"]


def test_the_prompt_drops_the_lowest_hits_to_fit_the_context_window():
    hits = [hit(" ".join(["word"] * 300), chunk=f"c{i}", score=0.9 - i / 100) for i in range(10)]
    chat = ScriptedChat(context_window=1300, max_tokens=200)
    prompt = fit_prompt(chat, "q", hits)
    assert [h.chunk_id for h in prompt.hits] == ["c0", "c1", "c2"]
    assert chat.prompt_tokens(prompt.messages) + chat.max_tokens <= chat.context_window
    assert fit_prompt(ScriptedChat(context_window=400, max_tokens=200), "q", hits) is None


def test_when_nothing_fits_the_answer_is_quoted_and_the_model_is_not_called():
    chat = ScriptedChat(context_window=40, max_tokens=20)
    answer = answerer([hit(SOURCE)], chat).answer("What dose of the blood thinner?", "default")
    assert answer.mode == "extractive" and "context" in answer.reason and chat.calls == []


def test_extractive_answer_quotes_the_best_sentence_with_its_citation_number():
    hits = [hit("The office is open on weekdays. Parking is free for visitors.", chunk="c1"),
            hit(f"Intro line for the ward. {SOURCE}", chunk="c2")]
    answer = answerer(hits, generation=GenerationSettings()).answer("What dose of apixaban was given?", "default")
    assert answer.mode == "extractive" and answer.answer.startswith('"Discharge medications: apixaban 5 mg')
    assert answer.answer.split()[-1] == "[1]" and answer.citations[0].chunk_id == "c2"


def test_extractive_answers_never_quote_a_run_of_placeholders():
    hits = [hit("<PERSON_1>, <PERSON_2>, <PERSON_3> and <PERSON_4>.\nThe loan amount requested is $487,500.")]
    answer = answerer(hits, generation=GenerationSettings()).answer("Who are the applicants?", "default")
    assert "<PERSON_2>" not in answer.answer and "$487,500" in answer.answer


def test_stream_yields_mapped_tokens_then_the_checked_answer():
    hits = [hit("<PERSON_1> approved the loan of $487,500.", doc="a")]
    chat = ScriptedChat("<PERSON_1> approved $487,500 [1].")
    events = list(answerer(hits, chat).stream("Who approved the loan?", "default"))
    tokens, final = [e.text for e in events if isinstance(e, Token)], events[-1]
    assert "".join(tokens) == "<PERSON_1> approved $487,500 [1]."
    assert isinstance(final, Final) and not final.replaces_stream and final.answer.mode == "generative"


def test_a_streamed_answer_that_fails_a_check_is_replaced():
    events = list(answerer([hit(SOURCE)], ScriptedChat("Ibuprofen 650 mg [1].")).stream("What dose?", "default"))
    assert events[-1].replaces_stream and events[-1].answer.mode == "extractive"


@pytest.mark.parametrize("reply, mode, score", [
    ("Apixaban 5 mg twice daily [1].", "generative", 0.9),  # kept
    ("Ibuprofen 650 mg [1].", "generative", 0.9),  # withheld, quoted instead
    ("I don't know.", "generative", 0.9),
    ("unused", "extractive", 0.9),
    ("unused", "generative", 0.1),  # nothing relevant
])
def test_the_answer_is_the_final_event_of_the_same_stream(reply, mode, score):
    engine = answerer([hit(SOURCE, score=score)], ScriptedChat(reply), min_score=0.3)
    *tokens, final = engine.stream("What apixaban dose?", "default", mode=mode)
    assert engine.answer("What apixaban dose?", "default", mode=mode) == final.answer
    assert all(isinstance(t, Token) for t in tokens) and isinstance(final, Final)


def test_the_stream_rewriter_holds_back_split_placeholders_and_marks():
    from generation.placeholders import PromptPlaceholders
    from generation.streaming import AnswerRewriter

    placeholders = PromptPlaceholders()
    placeholders.renumber("a", "<PERSON_1>")
    placeholders.renumber("b", "<PERSON_1>")  # prompt <PERSON_2> is document b's <PERSON_1>
    rewriter = AnswerRewriter(placeholders)
    pieces = ["It was <PER", "SON_2> [", "2", "] and <PERSON_1> [1]."]
    assert "".join(rewriter.feed(p) for p in pieces) + rewriter.flush() == "It was <PERSON_1> [1] and <PERSON_1> [2]."


def test_a_failed_generation_is_audited_and_raised(tmp_path):
    audit = AuditLog(tmp_path / "audit.db", b"k" * 32)
    engine = answerer([hit(SOURCE)], ScriptedChat(fail=RuntimeError("model crashed")), audit=audit)
    with pytest.raises(RuntimeError):
        engine.answer("What dose?", "default")
    event = list(audit.events("query"))[-1]
    assert event.payload["outcome"] == "failed" and "What dose" not in str(event.payload)
    engine.answer("What dose?", "default", mode="extractive")
    assert list(audit.events("query"))[-1].payload["outcome"] == "answered"
    assert audit.verify().ok


class SlowChat(ScriptedChat):
    """Records how many generations overlap."""

    def __init__(self):
        super().__init__("ok")
        self.active = self.most_active = 0
        self.order: list[str] = []

    def complete(self, messages, **opts):
        self.active += 1
        self.most_active = max(self.most_active, self.active)
        time.sleep(0.02)
        self.order.append(messages[-1].content)
        self.active -= 1
        return super().complete(messages)


def test_one_model_serves_concurrent_requests_one_at_a_time_in_order():
    from generation.queue import QueuedChat

    model = SlowChat()
    queued = QueuedChat(model)
    results = []
    threads = [threading.Thread(target=lambda n=n: results.append(queued.complete([Message("user", str(n))])))
               for n in range(6)]
    for n, t in enumerate(threads):
        t.start()
        deadline = time.monotonic() + 10
        while len(model.order) + model.active + queued.waiting < n + 1 and time.monotonic() < deadline:
            time.sleep(0.001)  # request n is queued (or served) before request n+1 is sent
    for t in threads:
        t.join()
    assert model.most_active == 1 and len(results) == 6 and model.order == [str(n) for n in range(6)]
    assert queued.context_window == model.context_window and queued.prompt_tokens([Message("user", "a b")]) == 2


def test_the_queue_hands_errors_to_the_request_and_keeps_serving():
    from generation.queue import QueuedChat

    queued = QueuedChat(ScriptedChat(fail=ValueError("bad prompt")))
    with pytest.raises(ValueError):
        queued.complete([Message("user", "x")])
    with pytest.raises(ValueError):
        list(queued.stream([Message("user", "x")]))
    queued._model.fail = None
    assert "".join(queued.stream([Message("user", "x")])) == queued._model.reply


def test_an_answer_without_marks_is_cited_by_the_source_it_draws_on():
    from generation.grounding import attribute

    sources = ["The loan requested is $487,500.", "Apixaban 5 mg twice daily. It was given daily to patients."]
    assert attribute("$487,500", sources) == "$487,500 [1]"
    assert attribute("The dose is 5 mg twice daily. Nothing else", sources) == "The dose is 5 mg twice daily [2]. Nothing else"
    hits = [hit("Lisinopril 10 mg once daily.", chunk="c1"), hit(SOURCE, chunk="c2")]
    answer = answerer(hits, ScriptedChat("Apixaban 5 mg twice daily.")).answer("What apixaban dose?", "default")
    assert answer.answer == "Apixaban 5 mg twice daily [1]." and [c.chunk_id for c in answer.citations] == ["c2"]


def test_no_request_holds_the_store_while_the_model_writes():
    store_lock = threading.Lock()
    seen = []

    class CheckingChat(ScriptedChat):
        def complete(self, messages, **opts):
            free = store_lock.acquire(blocking=False)  # an ingest could take the store right now
            seen.append(free)
            if free:
                store_lock.release()
            return super().complete(messages)

    engine = Answerer(HashingEmbedder(64), StubStore([hit(SOURCE)]), CheckingChat("Apixaban 5 mg [1]."),
                      RetrievalSettings(mode="dense"), GENERATIVE, store_lock=store_lock)
    assert engine.answer("What apixaban dose?", "default").mode == "generative" and seen == [True]


def test_quotes_and_citation_marks_cut_sentences_as_chunking_does():
    """One splitter (core.sentences): an abbreviation, a decimal or a placeholder is never cut."""
    from generation.grounding import attribute

    text = "Dr. <PERSON_1> ordered approx. 2.5 mg of apixaban twice daily. The ward closes at noon."
    answer = answerer([hit(text)], generation=GenerationSettings()).answer("What dose of apixaban?", "default")
    assert answer.answer == '"Dr. <PERSON_1> ordered approx. 2.5 mg of apixaban twice daily." [1]'
    sources = ["Prof. Alvarez prescribed apixaban 5 mg daily."]
    assert attribute("Prof. Alvarez prescribed apixaban 5 mg daily. It helped", sources) == \
        "Prof. Alvarez prescribed apixaban 5 mg daily [1]. It helped"


def test_a_quote_is_a_whole_sentence_never_a_tail_a_heading_or_a_reference():
    from generation.extractive import _quotable

    text = ("to review the new lease terms before May.\nTitle: Incident report on the storage bucket\n"
            "The key had read access to the storage bucket.\nNotice period for the tenant: 3 months\n"
            "Chen L, Park S. Storage keys in practice. J Sec. 2020;395(10223):497-506.\n"
            "Rotated keys are listed at doi: 10.1016/j.sec.2020.01.004 today.\n"
            "The team agreed to review the new")
    quoted = [text[s:e] for s, e in _quotable(text)]
    assert quoted == ["The key had read access to the storage bucket.", "Notice period for the tenant: 3 months"]


def test_the_same_sentence_in_two_chunks_is_quoted_once():
    sentence = "Apixaban 5 mg twice daily was prescribed for atrial fibrillation."
    hits = [hit(f"Discharge summary follows here. {sentence}", chunk="c1"),
            hit(f"{sentence} Follow up with the clinic.", chunk="c2")]
    answer = answerer(hits, generation=GenerationSettings()).answer("What apixaban dose was prescribed?", "default")
    assert answer.answer.count(sentence) == 1, answer.answer


@pytest.mark.parametrize("reply, only", [
    ("The answer is in the sources: <LOCATION_1> [1].", True),
    ("<PERSON_1> [1].", True),
    ("<PERSON_1> signed the lease [1].", False),
    ("It costs 40 euros at <LOCATION_1> [1].", False),
    ("Yes [1].", False),  # no placeholder: a yes/no answer, judged by the other checks
])
def test_an_answer_whose_content_is_only_placeholders_is_rejected(reply, only):
    from generation.grounding import grounding_problems

    sources = ["<PERSON_1> signed the lease at <LOCATION_1>; it costs 40 euros."]
    problems = grounding_problems(reply, "Where was the lease signed?", sources)
    assert ("its content is only placeholders" in problems) is only, problems


@pytest.mark.parametrize("question, sentence, defines", [
    ("What was the root cause that let an outsider in?", "The root cause was a hard-coded key.", True),
    ("What was the root cause that let an outsider in?", "Root causes were reviewed by the team.", True),
    ("What was the root cause that let an outsider in?", "The cause was a key.", False),  # not the focus
    ("What was the root cause that let an outsider in?", "The root cause analysis took a week.", False),  # no copula
    ("What are the symptoms of MERS?", "Common symptoms are fever and cough.", True),
    ("Why did the breach happen?", "The breach was caused by a key.", False),  # no focus phrase read
])
def test_a_sentence_that_predicates_the_questions_focus_is_read_as_its_definition(question, sentence, defines):
    from generation.question import read_question

    assert read_question(question).defines_focus(sentence) is defines


def test_a_definitional_sentence_is_quoted_before_one_that_only_shares_the_topic(monkeypatch):
    from generation.extractive import SentenceExtractor

    hits = [hit("The outsider got into the staging database with a leaked key. "
                "The root cause was a hard-coded service account key in a public repository.")]
    quotes = SentenceExtractor(HashingEmbedder(64), max_quotes=1).quotes(
        "What was the root cause that let an outsider get into the staging database?", hits)
    assert hits[0].text[quotes[0].start:quotes[0].end].startswith("The root cause was")
    monkeypatch.setattr("generation.extractive.DEFINITION_WEIGHT", 0.0)  # without it the topic wins
    quotes = SentenceExtractor(HashingEmbedder(64), max_quotes=1).quotes(
        "What was the root cause that let an outsider get into the staging database?", hits)
    assert hits[0].text[quotes[0].start:quotes[0].end].startswith("The outsider got")
