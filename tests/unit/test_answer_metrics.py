"""The answer evaluation's metrics: gold found by whole words, and the stored-text ceiling."""

from __future__ import annotations

from generation.evaluation import QAItem, contains_gold, gold_in_store

ITEMS = [QAItem("Where was the trial run?", ("Lower Brennick",)),
         QAItem("How many patients?", ("412",)),
         QAItem("Which enzyme?", ("ACE2 receptor",))]


def test_contains_gold_matches_whole_words_case_and_punctuation_blind():
    assert contains_gold("It ran in lower-brennick, twice.", ["Lower Brennick"])
    assert not contains_gold("It enrolled 4123 patients.", ["412"])


def test_gold_in_store_is_the_share_of_questions_readable_in_some_chunk():
    chunks = ["The trial ran in Lower Brennick.", "We enrolled 412 patients in total."]
    assert gold_in_store(chunks, ITEMS) == round(2 / 3, 4)


def test_an_answer_split_across_two_chunks_is_not_readable():
    assert gold_in_store(["binds the ACE2", "receptor in the lung"], ITEMS[2:]) == 0.0


def test_a_redacted_gold_is_not_readable():
    assert gold_in_store(["The trial ran in <LOCATION_1>."], ITEMS[:1]) == 0.0
    assert gold_in_store([], ITEMS) == 0.0 and gold_in_store(["x"], []) == 0.0
