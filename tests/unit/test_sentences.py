"""The one sentence splitter (core.sentences), shared by chunking, extractive quotes and citations.
Every example is invented."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from core.sentences import sentence_bounds, sentence_spans, sentence_starts, sentences

TOKEN = re.compile(r"<[A-Z][A-Z_]*(?:_\d+|#[0-9a-f]+)>")
DECIMAL = re.compile(r"\d+\.\d+")


def texts(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_bounds(text)]


def test_abbreviations_before_a_placeholder_do_not_end_a_sentence():
    text = "Dr. <PERSON_1> met Prof. <PERSON_2>, e.g. about the lease. Mr. <PERSON_3> signed it."
    assert texts(text) == ["Dr. <PERSON_1> met Prof. <PERSON_2>, e.g. about the lease.",
                           "Mr. <PERSON_3> signed it."]


def test_decimals_and_veils_own_abbreviations_stay_inside_the_sentence():
    text = "Take 2.5 mg approx. 3 times a day, cf. the leaflet on p. 4 of vol. 2. Stop after 7.5 days."
    assert texts(text) == ["Take 2.5 mg approx. 3 times a day, cf. the leaflet on p. 4 of vol. 2.",
                           "Stop after 7.5 days."]


def test_a_placeholder_that_ends_a_sentence_ends_it_whole():
    text = "The claim went to <PERSON_1>. <PERSON_2> paid <IBAN_CODE_1>. Call <PHONE_NUMBER_1>! Done?"
    assert texts(text) == ["The claim went to <PERSON_1>.", "<PERSON_2> paid <IBAN_CODE_1>.",
                           "Call <PHONE_NUMBER_1>!", "Done?"]


def test_sentences_cover_the_text_and_lines_start_sentences():
    text = "  First one. Second one.\nA list item\n  Another item. End"
    assert "".join(sentences(text)) == text
    starts = sentence_starts(text)
    assert [text[s:].split()[0] for s in starts] == ["First", "Second", "A", "Another", "End"]


def test_quotable_spans_are_lines_split_into_sentences_and_short_pieces_are_left_out():
    text = "1.\nApixaban 5 mg twice daily\nDr. <PERSON_1> saw the patient. Page 3\n"
    assert [text[s:e] for s, e in sentence_spans(text)] == [
        "Apixaban 5 mg twice daily", "Dr. <PERSON_1> saw the patient."]


_WORD = st.sampled_from(["Dr.", "e.g.", "approx.", "the", "claim", "Paid", "2.5", "10.75", "mg.",
                         "<PERSON_1>", "<PERSON_12>.", "<PHONE_NUMBER_3>", "<EMAIL_ADDRESS#1a2b>.",
                         "U.S.", "Jan.", "it.", "Yes!", "why?", "No.", "fig."])


@settings(max_examples=200, deadline=None)
@given(st.lists(_WORD, min_size=1, max_size=40), st.lists(st.sampled_from([" ", "  ", "\n", " \n "]), min_size=40,
                                                          max_size=40))
def test_no_cut_falls_inside_a_placeholder_a_decimal_or_a_word(words, gaps):
    text = "".join(w + g for w, g in zip(words, gaps)).strip()
    assert "".join(sentences(text)) == text
    cuts = {s for s, _ in sentence_bounds(text)} | {e for _, e in sentence_bounds(text)} | set(sentence_starts(text))
    inside = [m.span() for pattern in (TOKEN, DECIMAL) for m in pattern.finditer(text)]
    inside += [m.span() for m in re.finditer(r"\S+", text)]
    assert not [c for c in cuts for s, e in inside if s < c < e]
