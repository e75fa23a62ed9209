"""The learned span filter: what it may drop, what it reads, and that its shipped weights behave."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("presidio_analyzer")

from redaction.refine import span_filter  # noqa: E402
from redaction.refine.span_filter import (  # noqa: E402
    SpanModel, drop_unlikely_guesses, features, in_scope, span_model, traits,
)
from redaction.redactor import DocumentRedactor  # noqa: E402
from redaction.spans import Detection  # noqa: E402
from redaction.transform.operators import ReplacementPolicy  # noqa: E402


def _guess(text: str, words: str, kind: str = "PERSON", detector: str = "SpacyRecognizer") -> Detection:
    start = text.index(words)
    return Detection(kind, start, start + len(words), 0.85, detector)


def test_only_guesses_of_proper_noun_labels_are_in_scope():
    assert in_scope(Detection("PERSON", 0, 5, 0.85, "SpacyRecognizer"))
    assert not in_scope(Detection("PERSON", 0, 5, 0.85, "CuedNameRecognizer"))  # a cue, not a guess
    assert not in_scope(Detection("EMAIL_ADDRESS", 0, 5, 1.0, "SpacyRecognizer"))
    assert not in_scope(Detection("US_SSN", 0, 5, 1.0, "UsSsnRecognizer"))
    # chat and e-mail guessers: the training genres hold no example of them being right
    assert not in_scope(Detection("PERSON", 0, 5, 0.5, "LowercaseNameRecognizer"))
    assert not in_scope(Detection("PERSON", 0, 5, 0.5, "VocativeNameRecognizer"))


def test_a_name_spelled_in_lower_case_by_an_email_address_is_not_written_lower_elsewhere():
    mailed = "Cc: priya.ramaswamy@corp.example\nPriya - see below."
    assert "written-lower-elsewhere" not in features(mailed, _guess(mailed, "Priya"), traits([mailed]))
    foley = "Foley draining well; foley changed at noon."
    assert "written-lower-elsewhere" in features(foley, _guess(foley, "Foley"), traits([foley]))


def test_features_never_contain_the_span_or_a_rare_context_word():
    text = "Seen with Zorvathine Quellbrook at Harrowgate clinic today."
    found = features(text, _guess(text, "Zorvathine Quellbrook"), traits([text]))
    spelled = " ".join(found).lower()
    for word in ("zorvathine", "quellbrook", "harrowgate"):
        assert word not in spelled
    assert "prev:with" in found  # a word general English writes often is context
    assert "next:<capitalised>" not in found and "next:at" in found


def test_document_traits_read_capitals_from_the_original_text():
    assert traits(["Seen by Dr Okafor"], ["SEEN BY DR OKAFOR"]).capitals
    assert not traits(["Seen by Dr Okafor"], ["Seen by Dr Okafor"]).capitals
    assert not traits(["Seen by Dr Okafor"]).capitals


def test_a_missing_model_keeps_every_guess(monkeypatch):
    monkeypatch.setattr(span_filter, "span_model", lambda: None)
    text = "Cardiac: NSR, seen by Maria Lopez."
    dets = [[_guess(text, "Cardiac", "ORGANIZATION"), _guess(text, "Maria Lopez")]]
    assert drop_unlikely_guesses([text], dets) == dets


def test_a_model_drops_only_in_scope_guesses_under_its_threshold(monkeypatch):
    everything_unlikely = SpanModel(weights={}, bias=-10.0, threshold=0.5)
    monkeypatch.setattr(span_filter, "span_model", lambda: everything_unlikely)
    text = "Maria Lopez, SSN 078-05-1120, called Dr. Okafor."
    cued = _guess(text, "Okafor", detector="CuedNameRecognizer")
    ssn = _guess(text, "078-05-1120", "US_SSN", "UsSsnRecognizer")
    kept = drop_unlikely_guesses([text], [[_guess(text, "Maria Lopez"), ssn, cued]])[0]
    assert kept == [ssn, cued]


def test_probability_is_a_sigmoid_of_the_summed_weights():
    model = SpanModel(weights={"a": 2.0, "b": -1.0}, bias=-1.0, threshold=0.5)
    assert model.probability(["a", "b", "unknown"]) == pytest.approx(0.5)
    assert model.probability(["a"]) > 0.5 > model.probability(["b"])
    assert 0.0 < model.probability(["a"] * 1000) <= 1.0  # clipped, never overflows


@pytest.mark.skipif(span_model() is None, reason="span_filter.json not built")
def test_the_shipped_weights_keep_a_clear_name_and_drop_a_clinical_heading():
    text = "ICU NURSING PROGRESS NOTE\nNeuro: alert. Wife Maria Hernandez visited, spoke with Dr. Okafor."
    cased = "ICU Nursing Progress Note\nNeuro: alert. Wife Maria Hernandez visited, spoke with Dr. Okafor."
    heading = _guess(cased, "ICU Nursing Progress Note", "ORGANIZATION")
    name = _guess(cased, "Maria Hernandez")
    kept = drop_unlikely_guesses([cased], [[heading, name]], [text])[0]
    assert name in kept
    model = span_model()
    assert model.probability(features(cased, heading, traits([cased], [text]))) < \
        model.probability(features(cased, name, traits([cased], [text])))


class _GuessingDetector:
    """spaCy's guess of a person on every capitalised pair of words."""

    def detect(self, texts):
        return [[Detection("PERSON", m.start(), m.end(), 0.85, "SpacyRecognizer")
                 for m in re.finditer(r"[A-Z][a-z]+ [A-Z][a-z]+", text)] for text in texts]

    def detect_capitalised(self, texts):
        return [[] for _ in texts]


def test_text_leaving_the_machine_is_held_to_the_rules_alone(monkeypatch):
    """The egress guard and the request pseudonymiser read `detections`: a guess the learned filter
    would drop from the store is still masked in what is sent out."""
    monkeypatch.setattr(span_filter, "span_model", lambda: SpanModel(weights={}, bias=-10.0, threshold=0.5))
    redactor = DocumentRedactor(_GuessingDetector(), ReplacementPolicy())
    text = "Please ask Maria Lopez about it."
    assert {text[d.start:d.end] for d in redactor.detections([text])[0]} == {"Maria Lopez"}
    assert redactor.ranges([text]) == [[]]  # the store's path: the filter drops it
