from core.types import RedactedElement
from ingest.chunking import chunk_document, document_text


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


def test_never_crosses_a_page_and_keeps_page_numbers():
    els = elements("Page one text.", page=1) + elements("Page two text.", page=2)
    chunks = chunk_document(els, size=500, overlap=50)
    assert [(c.text, c.page) for c in chunks] == [("Page one text.", 1), ("Page two text.", 2)]


def test_overlong_sentence_is_split_at_words():
    els = elements("word " * 200)
    chunks = chunk_document(els, size=120, overlap=20)
    assert all(len(c.text) <= 120 for c in chunks)
    assert "".join(c.text.replace(" ", "") for c in chunks).count("word") >= 200


def test_empty_document_has_no_chunks():
    assert chunk_document([], size=100, overlap=10) == []
