"""Presidio adapter: detection with Presidio's analyzer plus Veil's recognizers (transformation is Veil's)."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property

from core.errors import ConfigError
from core.settings import RedactionSettings
from redaction.deadline import check_deadline
from redaction.spans import Detection

log = logging.getLogger(__name__)


def _offline_tldextract() -> None:
    """Presidio validates e-mails and URLs with tldextract, which fetches the suffix list on first use.

    Point it at its bundled snapshot so it never opens a connection.
    """
    import tldextract
    import tldextract.tldextract as impl

    extractor = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
    impl.TLD_EXTRACTOR = extractor
    tldextract.extract = extractor


class PresidioDetector:
    """Detection only: Presidio's analyzer with Veil's recognizers, batched (spaCy nlp.pipe)."""

    def __init__(self, settings: RedactionSettings) -> None:
        self._settings = settings

    @cached_property
    def _batch_analyzer(self):
        from redaction.presidio_package import import_presidio

        import_presidio()
        from presidio_analyzer import AnalyzerEngine, BatchAnalyzerEngine

        from redaction.nlp import IndexedContextEnhancer
        from redaction.recognizers import REPLACED_STOCK_RECOGNIZERS, veil_recognizers
        from core.vocabulary.drugs import drug_names
        from core.vocabulary.names import world_name_ranks
        from core.vocabulary.places import place_words

        _offline_tldextract()
        analyzer = AnalyzerEngine(nlp_engine=nlp_engine(self._settings), supported_languages=[self._settings.language],
                                  context_aware_enhancer=IndexedContextEnhancer())
        for name in REPLACED_STOCK_RECOGNIZERS:
            analyzer.registry.remove_recognizer(name)
        for recognizer in veil_recognizers(self._settings.language):
            analyzer.registry.add_recognizer(recognizer)
        _require_recognizers(analyzer.registry, self._settings.entities)
        _in_registration_order(analyzer.registry)
        _keep_contained_findings()
        # the word lists load (or build their caches) at warm-up, not mid-request
        for word_list in (world_name_ranks, drug_names, place_words):
            word_list()
        log.info("presidio analyzer ready (%d recognizers)", len(analyzer.registry.recognizers))
        return BatchAnalyzerEngine(analyzer_engine=analyzer)

    def load(self) -> None:
        """Load the models and word lists now (they load on first use otherwise)."""
        self._batch_analyzer  # noqa: B018 - the cached property's side effect

    def detect_capitalised(self, texts: Sequence[str]) -> list[list[Detection]]:
        """Regex recognizers only, no NLP: cheap enough to run on every re-cased text's original."""
        from redaction.recognizers import CAPITALISED_FORMATS

        registry = self._batch_analyzer.analyzer_engine.registry
        recognizers = [r for r in registry.recognizers if r.name in CAPITALISED_FORMATS]
        entities = list(self._settings.entities)
        return [self._capitalised(recognizers, entities, text) for text in texts]

    def _capitalised(self, recognizers, entities: list[str], text: str) -> list[Detection]:
        check_deadline()
        return [_to_detection(found) for r in recognizers for found in r.analyze(text, entities, None)
                if found.score >= self._settings.score_threshold and found.entity_type in entities]

    def detect(self, texts: Sequence[str]) -> list[list[Detection]]:
        """spaCy reads every window of every text in one batch (`nlp.pipe`); the recognizers read the
        windows one by one, the redaction deadline checked before each."""
        from redaction.nlp import ner_view

        analyzer = self._batch_analyzer.analyzer_engine
        windows = [w for i, text in enumerate(texts) for w in text_windows(i, text)]
        artifacts = analyzer.nlp_engine.process_batch([ner_view(w.text) for w in windows], self._settings.language)
        found: list[list[Detection]] = [[] for _ in texts]
        for window, (_, nlp_artifacts) in zip(windows, artifacts):
            check_deadline()
            results = analyzer.analyze(text=window.text, language=self._settings.language,
                                       entities=list(self._settings.entities), nlp_artifacts=nlp_artifacts,
                                       score_threshold=self._settings.score_threshold)
            found[window.index] += [_to_detection(r, window.offset) for r in results]
        return [_unique(dets) if len(texts[i]) > WINDOW else dets for i, dets in enumerate(found)]


def _keep_contained_findings() -> None:
    """Presidio drops a finding that a finding of the same label with a higher score contains: the
    name a handle, a label or a cue found ("Username: jdoe42") went when spaCy's guess covered it
    ("Username: jdoe42" as one PERSON), and when Veil's rules then dropped that guess, nothing was
    left. Only a second finding of one recognizer on the same span and label goes now; overlaps are
    merged by the document pass (`merge_overlaps`), after its rules have read every detector's finding."""
    from presidio_analyzer import analyzer_engine

    if getattr(analyzer_engine.EntityRecognizer, "veil_keeps_contained", False):
        return

    class _ExactDuplicatesOnly(analyzer_engine.EntityRecognizer):
        veil_keeps_contained = True

        @staticmethod
        def remove_duplicates(results):
            best: dict[tuple, object] = {}
            for found in results:
                recognizer = (found.recognition_metadata or {}).get("recognizer_name")
                key = (found.entity_type, found.start, found.end, recognizer)
                if found.score > 0 and (key not in best or found.score > best[key].score):
                    best[key] = found
            return list(best.values())

    analyzer_engine.EntityRecognizer = _ExactDuplicatesOnly


def _in_registration_order(registry) -> None:
    """The registry hands out the recognizers for a request in registration order. Presidio collects
    them in a set, whose order changes from run to run; where two recognizers report the same span,
    label and score, Presidio keeps the first one's result, and Veil's rules read which recognizer
    found a span (a rare word is no evidence in a clinical note, a place after "in" is). In a set's
    order the same file came out redacted differently from one ingest to the next."""
    collect = registry.get_recognizers

    def ordered(*args, **kwargs):
        position = {id(recognizer): i for i, recognizer in enumerate(registry.recognizers)}
        return sorted(collect(*args, **kwargs), key=lambda recognizer: position.get(id(recognizer), len(position)))

    registry.get_recognizers = ordered


# A text is read in windows of at most this many characters, overlapping by OVERLAP, cut at a line
# break or a space where there is one: the deadline is checked between windows, and neither spaCy
# (which refuses a text over a million characters) nor any recognizer holds a whole huge element.
WINDOW = 100_000
OVERLAP = 1_000  # longer than any one detection (an address block), so each lies whole in a window
_CUT_SEARCH = 5_000
_LAST_BREAK = re.compile(r"(?s:.*)(\n)|(?s:.*)(\s)")
_FIRST_SPACE = re.compile(r"\s")


@dataclass(frozen=True)
class Window:
    index: int   # which text
    offset: int  # where the window starts in it
    text: str


def text_windows(index: int, text: str) -> Iterator[Window]:
    start = 0
    while len(text) - start > WINDOW:
        end = _cut(text, start + WINDOW)
        yield Window(index, start, text[start:end])
        start = _restart(text, end - OVERLAP, end)
    yield Window(index, start, text[start:])


def _cut(text: str, limit: int) -> int:
    """After the last line break, else the last space, before `limit`; `limit` itself in a run without."""
    found = _LAST_BREAK.match(text, limit - _CUT_SEARCH, limit)
    return found.end() if found else limit


def _restart(text: str, start: int, cut: int) -> int:
    """The next window starts after a space in the overlap, so it opens on a whole word."""
    space = _FIRST_SPACE.search(text, start, cut)
    return space.end() if space else start


def _unique(detections: list[Detection]) -> list[Detection]:
    """Windows overlap: what two of them found is one detection (the higher score kept)."""
    best: dict[tuple, Detection] = {}
    for d in detections:
        key = (d.entity_type, d.start, d.end, d.detector)
        if key not in best or d.score > best[key].score:
            best[key] = d
    return list(best.values())


def _require_recognizers(registry, entities: Sequence[str]) -> None:
    """A policy entity that no recognizer produces would silently never be redacted: refuse it."""
    supported = {entity for recognizer in registry.recognizers for entity in recognizer.supported_entities}
    unknown = sorted(set(entities) - supported)
    if unknown:
        raise ConfigError(f"redaction.entities lists types no recognizer detects: {', '.join(unknown)} "
                          f"(known: {', '.join(sorted(supported))})")


def nlp_engine(settings: RedactionSettings):
    from redaction.nlp import NerOnlySpacyEngine

    engine = NerOnlySpacyEngine(settings.spacy_model, settings.language)
    engine.load()
    return engine


class VanillaPresidio:
    """Presidio as shipped (default recognizers, no threshold, one text at a time): the baseline."""

    def __init__(self, settings: RedactionSettings) -> None:
        from redaction.presidio_package import import_presidio

        import_presidio()
        from presidio_analyzer import AnalyzerEngine
        from presidio_analyzer.nlp_engine import NlpEngineProvider

        _offline_tldextract()
        engine = NlpEngineProvider(nlp_configuration={
            "nlp_engine_name": "spacy",
            "models": [{"lang_code": settings.language, "model_name": settings.spacy_model}],
        }).create_engine()
        self._analyzer = AnalyzerEngine(nlp_engine=engine, supported_languages=[settings.language])
        self._language = settings.language

    def ranges(self, texts: Sequence[str]) -> list[list[tuple[int, int]]]:
        return [[(r.start, r.end) for r in self._analyzer.analyze(text=t, language=self._language)]
                for t in texts]


def _to_detection(result, offset: int = 0) -> Detection:
    meta = result.recognition_metadata or {}
    return Detection(result.entity_type, offset + result.start, offset + result.end, float(result.score),
                     str(meta.get("recognizer_name", "unknown")))
