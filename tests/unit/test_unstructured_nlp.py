"""unstructured's element-type heuristics on the cheap hooks: the library's own decisions, the same texts,
no dependency parser, no download."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from unstructured.partition import text_type

from core.settings import ParsingSettings
from ingest import unstructured_nlp
from ingest.unstructured_parser import UnstructuredParser

REPO = Path(__file__).resolve().parents[2]

# invented paragraphs of the shapes a file share holds
PARAGRAPHS = [
    "Quarterly Report on Warehouse Safety",
    "1. SCOPE AND PURPOSE",
    "The committee met on Tuesday and agreed to replace the loading ramps before winter.",
    "Dr. Okafor reviewed the samples. She sent them to the lab on the same day.",
    "Minutes of the annual meeting, third floor",
    "Dear colleagues,",
    "Budget, staffing and next steps",
    "Net revenue rose 4% while costs fell; the board approved a dividend of 0.30 per share.",
    "Inspect the valves. Replace worn seals. Log each repair in the maintenance book.",
    "ITEM 7A. Quantitative and Qualitative Disclosures",
    "see appendix",
    "Contact the service desk if the badge reader rejects your card.",
    "Figure 3: Throughput by shift",
    "12345",
    "e.g. the spring schedule, i.e. weeks 10 to 14, runs as planned.",
    "ALL STAFF MUST WEAR HELMETS ON SITE.",
]


def decisions() -> list[tuple[bool, bool]]:
    return [(text_type.is_possible_narrative_text(p), text_type.is_possible_title(p)) for p in PARAGRAPHS]


def test_the_cheap_hooks_keep_the_libraries_own_decisions(monkeypatch):
    full = unstructured_nlp._load_offline_model()  # unstructured's out-of-the-box pipeline, parser included
    monkeypatch.setattr(text_type, "sent_tokenize", lambda t: [s.text for s in full(t).sents])
    monkeypatch.setattr(text_type, "word_tokenize", lambda t: [w.text for w in full(t)])
    monkeypatch.setattr(text_type, "pos_tag", lambda t: [(w.text, w.tag_) for w in full(t)])
    expected = decisions()
    assert {narrative for narrative, _ in expected} == {True, False}  # the set exercises both answers
    assert {title for _, title in expected} == {True, False}

    monkeypatch.setattr(text_type, "sent_tokenize", unstructured_nlp.sentences)
    monkeypatch.setattr(text_type, "word_tokenize", unstructured_nlp.words)
    monkeypatch.setattr(text_type, "pos_tag", unstructured_nlp.pos_tags)
    assert decisions() == expected


def test_the_parser_installs_them_and_the_tagger_has_no_dependency_parser():
    elements = UnstructuredParser(ParsingSettings()).parse(
        b"Warehouse Safety\n\nThe committee agreed to replace the loading ramps before winter.\n", "notes.txt")
    assert [(e.text, e.category) for e in elements] == [
        ("Warehouse Safety", "Title"),
        ("The committee agreed to replace the loading ramps before winter.", "NarrativeText")]
    assert text_type.sent_tokenize is unstructured_nlp.sentences
    assert text_type.pos_tag is unstructured_nlp.pos_tags
    assert "parser" not in unstructured_nlp._tagger().pipe_names
    assert unstructured_nlp._segmenter().pipe_names == ["sentencizer"]


def test_a_paragraph_past_spacys_limit_is_judged_by_its_beginning_and_never_cached():
    limit = unstructured_nlp._segmenter().max_length
    long_line = "word " * (limit // 5 + 1000)
    unstructured_nlp._words.cache_clear()
    assert len(words := unstructured_nlp.words(long_line)) < len(long_line) // 5
    assert words[:2] == ["word", "word"]
    assert unstructured_nlp._words.cache_info().currsize == 0  # a crafted file cannot fill a worker's memory
    assert unstructured_nlp.sentences("One sentence here. Another one there.") == [
        "One sentence here.", "Another one there."]
    assert unstructured_nlp._sentences.cache_info().currsize >= 1  # paragraphs are kept


def test_downloads_are_refused():
    from unstructured.nlp import tokenize

    unstructured_nlp.use_fast_offline_heuristics()
    with pytest.raises(RuntimeError, match="offline"):
        tokenize._install_spacy_model()



def test_the_heuristics_pipelines_never_import_other_packages_spacy_components():
    """A fresh process, as a parsing worker is: Presidio's spaCy component (and transformers behind it)
    stays unloaded while the heuristics build their pipelines, and the next pipeline still gets it."""
    script = (
        "import sys, spacy\n"
        "from ingest import unstructured_nlp as nlp\n"
        "assert nlp.sentences('One. Two.') == ['One.', 'Two.'] and nlp.pos_tags('He runs')[1][1] == 'VBZ'\n"
        "print(sorted(m for m in ('presidio_analyzer', 'transformers') if m in sys.modules))\n"
        "spacy.blank('en')\n"
        "print('presidio_hf_token_pipe' in spacy.registry.factories)\n"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                         cwd=REPO)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.split() == ["[]", "True"]
