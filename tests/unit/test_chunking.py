import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.types import RedactedElement, Span
from ingest.chunking import chunk_document, document_text

ROOT = Path(__file__).resolve().parents[2]
TOKEN = re.compile(r"<[A-Z][A-Z_]*(?:_\d+|#[0-9a-f]+)>")


def elements(*texts, page=1):
    return [RedactedElement(t, page, "Text") for t in texts]


def test_chunks_respect_size_and_sentence_boundaries():
    sentences = [f"Sentence number {i} talks about <PERSON_1> and the claim." for i in range(30)]
    els = elements(" ".join(sentences))
    chunks = chunk_document(els, size=200, overlap=60)
    assert len(chunks) > 5
    for chunk in chunks:
        assert len(chunk.text) <= 200
        assert chunk.text.startswith("Sentence number") and chunk.text.endswith("claim.")


def test_abbreviations_do_not_end_a_sentence():
    """The old regex splitter cut "Dr. <PERSON_1>" after "Dr."; Punkt's English model knows it."""
    sentence = "Dr. <PERSON_1> met Mr. Jones on Jan. 5, e.g. about the claim filed by Prof. Lee."
    els = elements(" ".join([sentence] * 12))
    chunks = chunk_document(els, size=200, overlap=30)
    assert len(chunks) == 6
    for chunk in chunks:
        assert chunk.text == f"{sentence} {sentence}"


def test_offsets_point_into_the_document_text():
    els = elements("First paragraph here. It has two sentences.", "Second paragraph.", "Third one is here.")
    full = document_text(els)
    for chunk in chunk_document(els, size=50, overlap=20):
        assert full[chunk.start:chunk.end] == chunk.text


def test_overlap_repeats_trailing_sentences():
    els = elements(" ".join(f"Fact {i} is stated." for i in range(20)))
    chunks = chunk_document(els, size=100, overlap=40)
    for before, after in zip(chunks, chunks[1:]):
        assert after.start < before.end  # overlapping windows
        assert before.text.split(". ")[-1].rstrip(".") in after.text


def test_elements_are_the_preferred_cut():
    els = elements("Alpha one. Alpha two.", "Beta one. Beta two.", "Gamma one. Gamma two.")
    chunks = chunk_document(els, size=45, overlap=0)
    assert [c.text for c in chunks] == ["Alpha one. Alpha two.\n\nBeta one. Beta two.", "Gamma one. Gamma two."]


def test_repeated_text_gets_its_own_offsets():
    """Searching a chunk's text from the previous start (llama-index's start_char_idx) finds an earlier copy."""
    text = "<PERSON_1> " * 30
    chunks = chunk_document(elements(text), size=40, overlap=10)
    assert [(c.start, c.end) for c in chunks] == [(i, min(i + 32, len(text) - 1)) for i in range(0, 330, 33)]


def test_never_crosses_a_page_and_keeps_page_numbers():
    els = elements("Page one text.", page=1) + elements("Page two text.", page=2)
    chunks = chunk_document(els, size=500, overlap=50)
    assert [(c.text, c.page) for c in chunks] == [("Page one text.", 1), ("Page two text.", 2)]


def test_overlong_sentence_is_split_at_words():
    els = elements("word " * 200)
    chunks = chunk_document(els, size=120, overlap=20)
    assert all(len(c.text) <= 120 for c in chunks)
    assert "".join(c.text.replace(" ", "") for c in chunks).count("word") >= 200


def test_a_cut_never_falls_inside_a_placeholder():
    """A word longer than a chunk is cut by characters: a cut inside a placeholder moves to its end."""
    text = "x" * 37 + "<EMAIL_ADDRESS_12>" + "y" * 40 + "<PERSON#3f2a9c1b>" + "z" * 60
    chunks = chunk_document(elements(text), size=45, overlap=0)
    assert len(chunks) > 2
    for chunk in chunks:
        assert TOKEN.sub("", chunk.text).count("<") == 0 and TOKEN.sub("", chunk.text).count(">") == 0
    assert "<EMAIL_ADDRESS_12>" in "".join(c.text for c in chunks)


def test_a_span_without_the_token_shape_is_kept_whole_too():
    mask = "█" * 30
    text = "a" * 40 + mask + "b" * 40
    span = Span("PERSON", 40, 70, 1.0, "test", mask, operator="mask")
    chunks = chunk_document([RedactedElement(text, 1, "Text", (span,))], size=50, overlap=0)
    for chunk in chunks:
        assert not (chunk.start < 70 and chunk.end > 40) or (chunk.start <= 40 and chunk.end >= 70)


def test_empty_document_has_no_chunks():
    assert chunk_document([], size=100, overlap=10) == []
    assert chunk_document(elements("", "  "), size=100, overlap=10) == []


# Random documents: words, abbreviations, placeholders (recorded as redaction spans), sentence ends,
# line and paragraph breaks, and glued runs longer than a chunk (to reach the character fallback).
PIECES = st.sampled_from(["Dr.", "Smith", "said", "the", "claim", "was", "paid.", "e.g.", "U.S.", "No.", "5",
                          "Yes!", "why?", "a,", "b;", "(see", "it)", "Über", "naïve", "x" * 25, "\t"])
SEPARATORS = st.sampled_from([" ", " ", " ", "  ", "\n", "\n\n", ". ", ""])


@st.composite
def element_texts(draw):
    parts, spans, length = [], [], 0
    for _ in range(draw(st.integers(0, 40))):
        if draw(st.integers(0, 5)) == 0:
            token = draw(st.sampled_from(["<PERSON_1>", "<PERSON_12>", "<EMAIL_ADDRESS_3>", "<LOCATION#0a1b2c3d>"]))
            spans.append(Span("PERSON", length, length + len(token), 1.0, "test", token))
        else:
            token = draw(PIECES)
        separator = draw(SEPARATORS)
        parts += [token, separator]
        length += len(token) + len(separator)
    return "".join(parts), tuple(spans)


SEP = object()
documents = st.lists(st.tuples(element_texts(), st.sampled_from([1, 1, 2, 3, None])), max_size=8)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents, st.integers(30, 400), st.floats(0, 0.49))
def test_chunks_are_exact_slices_on_one_page_with_whole_placeholders(doc, size, overlap_share):
    els = [RedactedElement(text, page, "Text", spans) for (text, spans), page in doc]
    overlap = int(size * overlap_share)
    full = document_text(els)
    chunks = chunk_document(els, size, overlap)
    assert chunks == chunk_document(els, size, overlap)  # deterministic

    owner = []  # the page of every character of the document text; SEP for the element separators
    for k, element in enumerate(els):
        owner += [SEP] * (2 if k else 0) + [element.page] * len(element.text)
    tokens = [m.span() for m in TOKEN.finditer(full)]
    covered = [False] * len(full)
    for chunk in chunks:
        assert chunk.text == full[chunk.start:chunk.end] and chunk.text.strip() == chunk.text != ""
        assert len(chunk.text) <= size + 2 * 20  # a cut moved out of a placeholder may pass size a little
        run = range(chunk.start, chunk.end)
        assert {owner[i] for i in run} - {SEP} == {chunk.page}
        for t_start, t_end in tokens:
            assert not (t_start < chunk.start < t_end or t_start < chunk.end < t_end)
        for i in run:
            covered[i] = True
    assert all(covered[i] for i, ch in enumerate(full) if not ch.isspace())  # no text is lost
    assert [c.start for c in chunks] == sorted({c.start for c in chunks})


def test_llama_index_settings_never_resolve_a_remote_model(monkeypatch):
    """After chunking, Settings.llm / embed_model / tokenizer / node_parser are Veil's local pins."""
    from ingest.llama_settings import LlamaIndexModelRefused, NoEmbedding, NoLLM

    monkeypatch.setitem(sys.modules, "llama_index.llms.openai", None)  # importing either would fail
    monkeypatch.setitem(sys.modules, "llama_index.embeddings.openai", None)
    chunk_document(elements("One sentence. Another one."), size=100, overlap=10)
    from llama_index.core import Settings

    assert isinstance(Settings.llm, NoLLM) and isinstance(Settings.embed_model, NoEmbedding)
    with pytest.raises(LlamaIndexModelRefused):
        Settings.llm.complete("hello")
    with pytest.raises(LlamaIndexModelRefused):
        Settings.embed_model.get_text_embedding("hello")
    assert Settings.tokenizer("abc") == ["a", "b", "c"]  # characters, never tiktoken
    assert Settings.node_parser.split_text("Dr. Smith came. He left.") == ["Dr. Smith came. He left."]


def test_importing_and_chunking_make_no_network_attempt():
    """In a fresh interpreter: llama-index, NLTK's Punkt data and the Settings pins stay local."""
    code = """
import json, socket
attempts = []
def refuse(*args, **kwargs):
    attempts.append(repr(args[1:] if args and isinstance(args[0], socket.socket) else args))
    raise OSError("network disabled in this test")
for name in ("connect", "connect_ex", "sendto"):
    setattr(socket.socket, name, refuse)
for name in ("getaddrinfo", "gethostbyname", "gethostbyname_ex", "gethostbyaddr", "create_connection"):
    setattr(socket, name, refuse)
from core.types import RedactedElement
from ingest.chunking import chunk_document
chunks = chunk_document([RedactedElement("Dr. Smith saw <PERSON_1>. " * 40, 1, "Text")], 120, 30)
from llama_index.core import Settings
Settings.llm, Settings.embed_model, Settings.tokenizer, Settings.node_parser
print(json.dumps({"chunks": len(chunks), "attempts": attempts}))
"""
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["chunks"] > 5 and result["attempts"] == []
