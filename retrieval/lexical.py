"""The text BM25 sees: stored text without its placeholders.

A placeholder such as `<PERSON_3>` is numbered per document, so `<PERSON_3>` in two documents names
two different people; as words ("person", "3") it would make unrelated documents match each other
and any question about a person. BM25 therefore never sees placeholders, in documents or queries.
"""

from core.placeholders import PLACEHOLDER


def lexical_text(text: str) -> str:
    return PLACEHOLDER.sub(" ", text)
