from redaction.transform.placeholders import PlaceholderBook
from redaction.refine.propagation import propagate
from redaction.spans import Detection, merge_overlaps
from redaction.transform.splice import apply_placeholders


def det(kind, start, end, score=0.8):
    return Detection(kind, start, end, score, "test")


def test_overlaps_merge_into_their_union_named_by_the_widest_detection():
    merged = merge_overlaps([det("URL", 5, 15, 0.5), det("EMAIL_ADDRESS", 0, 15, 0.9), det("PERSON", 20, 25)])
    assert [(d.entity_type, d.start, d.end) for d in merged] == [("EMAIL_ADDRESS", 0, 15), ("PERSON", 20, 25)]
    # "12 Main St, Baltimore, MD": the address names the union, not the higher-scored city inside it
    address = merge_overlaps([det("STREET_ADDRESS", 0, 25, 0.7), det("LOCATION", 12, 21, 0.85)])
    assert [(d.entity_type, d.start, d.end, d.score) for d in address] == [("STREET_ADDRESS", 0, 25, 0.7)]
    chain = merge_overlaps([det("A", 0, 10, 0.9), det("B", 8, 20, 0.4), det("C", 19, 24, 0.5), det("D", 24, 26)])
    assert [(d.entity_type, d.start, d.end) for d in chain] == [("B", 0, 24), ("D", 24, 26)]
    same_width = merge_overlaps([det("A", 0, 10, 0.4), det("B", 2, 12, 0.9)])
    assert same_width[0].entity_type == "B" and same_width[0].end == 12


def test_placeholders_are_consistent_within_a_scope_and_fresh_in_the_next():
    text = "Ann Lee met Bob Day; Ann Lee left."
    dets = [det("PERSON", 0, 7), det("PERSON", 12, 19), det("PERSON", 21, 28)]
    book = PlaceholderBook()
    out = apply_placeholders(text, dets, book)
    assert out.text == "<PERSON_1> met <PERSON_2>; <PERSON_1> left."
    assert [(s.start, s.end) for s in out.spans] == [(0, 10), (15, 25), (27, 37)]
    assert all(out.text[s.start:s.end] == s.placeholder for s in out.spans)
    again = apply_placeholders("Bob Day", [det("PERSON", 0, 7)], PlaceholderBook())
    assert again.text == "<PERSON_1>"


def test_spans_never_carry_the_value():
    out = apply_placeholders("mail jane@x.org", [det("EMAIL_ADDRESS", 5, 15)], PlaceholderBook())
    assert "jane@x.org" not in repr(out.spans)


def test_propagation_redacts_every_occurrence_and_the_surname_alone():
    texts = ["Patient Eleanor Whitfield was admitted.", "Ms. Whitfield improved.", "Eleanor Whitfield left."]
    found = propagate(texts, [[det("PERSON", 8, 25)], [], []])
    assert [(d.start, d.end) for d in found[1]] == [(4, 13)]
    assert (0, 17) in [(d.start, d.end) for d in found[2]]


def test_propagation_matches_whole_words_only():
    texts = ["Contact Lee now.", "Fleece and Leeds are not names."]
    found = propagate(texts, [[det("PERSON", 8, 11)], []])
    assert found[1] == []


def test_a_surname_alone_is_the_same_person_as_the_full_name():
    book = PlaceholderBook()
    assert book.token_for("PERSON", "Delgado") == "<PERSON_1>"
    assert book.token_for("PERSON", "Marcus Delgado") == "<PERSON_1>"
    assert book.token_for("PERSON", "Sofia Brandt") == "<PERSON_2>"
    assert book.token_for("PERSON", "Ms. Brandt") == "<PERSON_2>"
    assert book.token_for("PERSON", "Ana Delgado") == "<PERSON_3>"  # another Delgado
    assert book.token_for("LOCATION", "Delgado") == "<LOCATION_1>"  # only people are merged
    assert book.originals() == {"<PERSON_1>": "Marcus Delgado", "<PERSON_2>": "Sofia Brandt",
                                "<PERSON_3>": "Ana Delgado", "<LOCATION_1>": "Delgado"}
