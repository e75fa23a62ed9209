"""A slim spaCy engine for Presidio: only the NER component runs.

The small English model's NER has its own tok2vec, so the tagger, parser, attribute ruler and
lemmatizer can be left out (they are ~half of the pipeline's time). Presidio's context
enhancement compares context words with token lemmas; the lower-cased token text stands in for
the lemma, and Veil's context words are listed in the inflections they occur in.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from functools import lru_cache

from redaction.presidio_package import import_presidio

import_presidio()

from presidio_analyzer import RecognizerResult  # noqa: E402
from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer  # noqa: E402
from presidio_analyzer.nlp_engine import NerModelConfiguration, NlpArtifacts, SpacyNlpEngine  # noqa: E402
from spacy.tokens import Span  # noqa: E402

from core.vocabulary.calendar_words import month_pattern, weekday_pattern
from core.vocabulary.currencies import COMMON_CURRENCY_CODES

# Components of the en_core_web_* pipelines that NER does not listen to.
UNUSED_COMPONENTS = ["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter"]

# spaCy labels that are never personal data on their own.
IGNORED_NER_LABELS = ["CARDINAL", "ORDINAL", "PERCENT", "QUANTITY", "MONEY", "LANGUAGE", "LAW",
                      "WORK_OF_ART", "EVENT", "PRODUCT"]

NER_TO_ENTITY = {
    "PERSON": "PERSON", "PER": "PERSON", "NORP": "NRP", "GPE": "LOCATION", "LOC": "LOCATION",
    "FAC": "LOCATION", "ORG": "ORGANIZATION", "DATE": "DATE_TIME", "TIME": "DATE_TIME",
}


# Names of identifier types and common acronyms that the small model tags as organisations.
ALLOWED_TERMS = frozenset("""iban ssn ss# atm pin id ids pdf url ok asap faq ceo cfo cto coo vp hr it
    dob mrn npi ein tin vat iso gdpr hipaa usa faqs sms gps api
    utc gmt sha md5 ip tcp udp http https tls ssl vpn dns sql json xml csv sdk cli os cpu gpu ram
    aws gcp iam sso mfa otp sla sev kpi etl crm erp ecg ekg mri icu bp""".split()) | COMMON_CURRENCY_CODES
# A date has a month, a year or a numeric date in it; "70", "x3", "1600 hrs" and "10cc/hr" do not.
_DATE_WORDS = re.compile(
    r"(?i)\b(?:19|20)\d\d\b|\b\d{1,2}/\d{1,2}\b|\b\d{1,4}([.-])\d{1,2}\1\d{1,4}\b|\b\d{1,2}(?:st|nd|rd|th)\b|"
    rf"\b(?:{month_pattern()}|{weekday_pattern()})\b")
_AGE_PHRASE = re.compile(r"(?i)\b(?:years?|yrs?)[\s-]*old\b|\bage\b|\baged\b|\bturn")


# The NER model's cost grows with the tokens it reads: prose has about one token in four characters,
# crafted text up to one per character. Two shapes that hold no name are blanked (spaces, same offsets)
# in the copy it reads (`ner_view`); the pattern recognizers still read the text as written.
# A run without whitespace this long that splits into many tokens ("a-a-a-...", "1/1/1/...", "::::..."):
# its cost also grows faster than linearly with the run's length.
LONG_RUN = 48
_DENSE_SHARE = 0.2  # share of characters that are neither letters nor digits (words, names: under 10%)
# This many whitespace-separated chunks in a row without a letter: a table of numbers, "1 1 1 1 ..."
# (dates and numbers in it are the pattern recognizers' to find).
LETTERLESS_CHUNKS = 32
_CHUNK = re.compile(r"\S+")
_LETTER = re.compile(r"[^\W\d_]")


def ner_view(text: str) -> str:
    """The text the NER model reads: same length and offsets, token-dense stretches that hold no name
    blanked."""
    blank = _blank_spans(text)
    if not blank:
        return text
    out, last = [], 0
    for start, end in blank:
        out += [text[last:start], " " * (end - start)]
        last = end
    out.append(text[last:])
    return "".join(out)


def _blank_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    letterless: list[tuple[int, int]] = []  # the current run of chunks without a letter

    def close_run() -> None:
        if len(letterless) >= LETTERLESS_CHUNKS:
            spans.append((letterless[0][0], letterless[-1][1]))
        letterless.clear()

    for chunk in _CHUNK.finditer(text):
        value = chunk.group()
        if len(value) > LONG_RUN and sum(not c.isalnum() for c in value) >= _DENSE_SHARE * len(value):
            close_run()
            spans.append(chunk.span())
        elif _LETTER.search(value) is None:
            letterless.append(chunk.span())
        else:
            close_run()
    close_run()
    return spans


# The rest of a line, from its start, that is a form's field label: a few words and a colon ("Account
# number:", "Student ID:", "Forename(s):"); no digits, so "Smith at 10:30" is none.
_FIELD_LABEL_LINE = re.compile(r"[ \t]*[^\W\d_](?:[^\W\d_]|[ \t()/.#'’-]){0,40}+:")


def before_the_next_field(ent):
    """A form's value ends at its line: the small model runs a name across the line break into the next
    field's label ("Abubakar Tafawa-Bello\nAccount" of "…\nAccount number: …"), and the document pass
    would then mask "Account" wherever it stands. Such an entity is cut at the break; a name wrapped
    onto a line that is no field ("signed by John\nSmith on …") stays whole."""
    for token in ent[1:]:  # spaCy makes a line break a token of its own
        if token.is_space and "\n" in token.text and _FIELD_LABEL_LINE.match(ent.doc.text, token.idx + len(token.text)):
            return Span(ent.doc, ent.start, token.i, label=ent.label_)
    return ent


def keep_entity(ent) -> bool:
    """Drop what the model tags that is not an identifier: relative dates ("next week", "the
    first year"), age phrases (the AGE recognizer takes the number alone) and known acronyms."""
    text = ent.text.strip()
    if text.lower() in ALLOWED_TERMS:
        return False
    if ent.label_ == "DATE_TIME":
        return bool(_DATE_WORDS.search(text)) and not _AGE_PHRASE.search(text) and "year" not in text.lower()
    return True


class NerOnlySpacyEngine(SpacyNlpEngine):
    """SpacyNlpEngine that loads the model without the components NER does not need."""

    def __init__(self, model_name: str, language: str = "en", batch_size: int = 256) -> None:
        super().__init__(
            models=[{"lang_code": language, "model_name": model_name}],
            ner_model_configuration=NerModelConfiguration(
                labels_to_ignore=IGNORED_NER_LABELS,
                model_to_presidio_entity_mapping=NER_TO_ENTITY,
            ),
        )
        self.batch_size = batch_size

    def load(self) -> None:
        import spacy

        self.nlp = {m["lang_code"]: spacy.load(m["model_name"], exclude=UNUSED_COMPONENTS)
                    for m in self.models}

    def process_batch(self, texts, language, batch_size=1, n_process=1, as_tuples=False):
        return super().process_batch(texts, language, batch_size=max(batch_size, self.batch_size),
                                     n_process=n_process, as_tuples=as_tuples)

    def _doc_to_nlp_artifact(self, doc, language: str) -> NlpArtifacts:
        entities, scores = self._get_updated_entities(list(doc.ents), self._get_scores_for_entities(doc))
        entities = [before_the_next_field(e) for e in entities]
        kept = [(e, s) for e, s in zip(entities, scores) if keep_entity(e)]
        entities, scores = [e for e, _ in kept], [s for _, s in kept]
        return NlpArtifacts(
            entities=entities,
            tokens=doc,
            tokens_indices=[token.idx for token in doc],
            lemmas=[token.lower_ for token in doc],
            nlp_engine=self,
            language=language,
            scores=scores,
        )


class IndexedContextEnhancer(LemmaContextAwareEnhancer):
    """Presidio's lemma context enhancer (same defaults, same decisions) with its per-result lookups
    indexed. As shipped it scans the tokens from the first one to find each result's token and tests
    context words against a list of every keyword in the text: time grows with results x tokens, which
    a text of many weak matches ("A1 A1 A1 ...", "123456789 ...") turned into minutes. Its deep copy of
    every result (a third of the time on such text) is left out too: the analyzer hands over results it
    made for this call and keeps no other reference to them."""

    def enhance_using_context(self, text, raw_results, nlp_artifacts, recognizers, context=None):
        if nlp_artifacts is None:
            return raw_results
        by_id = {recognizer.id: recognizer for recognizer in recognizers}
        extra = [word.lower() for word in context or ()]
        for found in raw_results:
            meta = found.recognition_metadata or {}
            recognizer = by_id.get(meta.get(RecognizerResult.RECOGNIZER_IDENTIFIER_KEY))
            if recognizer is None or not recognizer.context or meta.get(
                    RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY):
                continue
            words = self._extract_surrounding_words(nlp_artifacts, text[found.start:found.end], found.start) + extra
            supportive = self._find_supportive_word_in_context(words, recognizer.context, self.context_matching_mode)
            if supportive:
                found.score = min(max(found.score + self.context_similarity_factor,
                                      self.min_score_with_context_similarity), self.MAX_SCORE)
                found.analysis_explanation.set_supportive_context_word(supportive)
                found.analysis_explanation.set_improved_score(found.score)
        return raw_results

    def _extract_surrounding_words(self, nlp_artifacts: NlpArtifacts, word: str, start: int) -> list[str]:
        if not nlp_artifacts.tokens:
            return [""]
        index = getattr(nlp_artifacts, "_veil_context_index", None)
        if index is None:  # one per analysed text: kept on its artifacts, so threads never share one
            index = _ContextIndex(nlp_artifacts)
            nlp_artifacts._veil_context_index = index
        token = index.token_at(start, word)
        return list(set(index.before(token, self.context_prefix_count)
                        + index.after(token, self.context_suffix_count)))

    @staticmethod
    def _find_supportive_word_in_context(context_list, recognizer_context_list, matching_mode="substring") -> str:
        if context_list is None or recognizer_context_list is None:
            return ""
        return _supportive_word(frozenset(context_list), tuple(recognizer_context_list), matching_mode)


@lru_cache(maxsize=4096)
def _supportive_word(context: frozenset[str], recognizer_context: tuple[str, ...], matching_mode: str) -> str:
    return LemmaContextAwareEnhancer._find_supportive_word_in_context(list(context), list(recognizer_context),
                                                                    matching_mode)


class _ContextIndex:
    """Token ends (to find a result's token by bisection) and the positions of keyword lemmas (to take
    the n nearest before or after it), as Presidio's linear walks would find them."""

    def __init__(self, artifacts: NlpArtifacts) -> None:
        self._ends = [index + len(token) for index, token in zip(artifacts.tokens_indices, artifacts.tokens)]
        keywords = set(artifacts.keywords or ())
        self._lowered = [lemma.lower() for lemma in artifacts.lemmas]
        self._positions = [i for i, lemma in enumerate(self._lowered) if lemma in keywords]

    def token_at(self, start: int, word: str) -> int:
        """The first token that ends after `start` (the one the result starts in)."""
        found = bisect_right(self._ends, start)
        if found == len(self._ends):
            raise ValueError(f"no token at offset {start} (a result of {len(word)} characters)")
        return found

    def before(self, token: int, n_words: int) -> list[str]:
        """The keyword lemmas at `token` and before it, nearest first, n_words + 1 at most."""
        stop = bisect_right(self._positions, token)
        return [self._lowered[i] for i in reversed(self._positions[max(0, stop - n_words - 1):stop])]

    def after(self, token: int, n_words: int) -> list[str]:
        first = bisect_left(self._positions, token)
        return [self._lowered[i] for i in self._positions[first:first + n_words + 1]]
