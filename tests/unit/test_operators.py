from redaction.transform.operators import MASK_CHAR, ReplacementPolicy
from redaction.transform.placeholders import PlaceholderBook
from redaction.redactor import DocumentRedactor
from redaction.spans import Detection

TEXT = "Call Ann Lee at 555-0100 or mail ann@x.org; Ann Lee knows."


class Finder:
    """Detects fixed substrings: the redactor is what is under test here."""

    def __init__(self, **values):
        self.values = values

    def detect(self, texts):
        out = []
        for text in texts:
            found = []
            for kind, value in self.values.items():
                start = text.find(value)
                while start >= 0:
                    found.append(Detection(kind, start, start + len(value), 0.9, "finder"))
                    start = text.find(value, start + 1)
            out.append(found)
        return out

    def detect_capitalised(self, texts):
        return [[] for _ in texts]


def redactor(**operators):
    finder = Finder(PERSON="Ann Lee", PHONE_NUMBER="555-0100", EMAIL_ADDRESS="ann@x.org")
    return DocumentRedactor(finder, ReplacementPolicy(operators, hash_key=b"k"), hash_value=lambda v: f"h({len(v)})")


def test_default_placeholder_is_consistent_within_the_document():
    out = redactor().redact([TEXT, "Ann Lee again."])
    assert out[0].text == "Call <PERSON_1> at <PHONE_NUMBER_1> or mail <EMAIL_ADDRESS_1>; <PERSON_1> knows."
    assert out[1].text == "<PERSON_1> again."
    assert {s.operator for s in out[0].spans} == {"placeholder"}
    assert out[0].spans[0].value_hmac == "h(7)"


def test_mask_hash_and_drop_operators():
    out = redactor(PHONE_NUMBER="mask", EMAIL_ADDRESS="drop", PERSON="hash").redact([TEXT])[0]
    assert MASK_CHAR * 8 in out.text and "ann@x.org" not in out.text and "mail ;" in out.text
    tokens = [s.placeholder for s in out.spans if s.entity_type == "PERSON"]
    assert tokens[0] == tokens[1] and tokens[0].startswith("<PERSON#")
    assert [s.operator for s in out.spans] == ["hash", "mask", "drop", "hash"]
    assert all(out.text[s.start:s.end] == s.placeholder for s in out.spans)


def test_hash_tokens_agree_across_documents_but_depend_on_the_key():
    policy = ReplacementPolicy({"PERSON": "hash"}, hash_key=b"k")
    a = policy.replacement("PERSON", "Ann Lee", PlaceholderBook())[0]
    b = policy.replacement("PERSON", "ann lee", PlaceholderBook())[0]
    c = ReplacementPolicy({"PERSON": "hash"}, hash_key=b"other").replacement("PERSON", "Ann Lee", PlaceholderBook())[0]
    assert a == b != c
