"""Presidio adapter: detection with Presidio's analyzer plus Veil's recognizers (transformation is Veil's)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import cached_property

from core.errors import ConfigError
from core.settings import RedactionSettings
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
        from presidio_analyzer import AnalyzerEngine, BatchAnalyzerEngine

        from redaction.recognizers import REPLACED_STOCK_RECOGNIZERS, veil_recognizers
        from redaction.recognizers.names import world_name_ranks

        _offline_tldextract()
        analyzer = AnalyzerEngine(nlp_engine=nlp_engine(self._settings),
                                  supported_languages=[self._settings.language])
        for name in REPLACED_STOCK_RECOGNIZERS:
            analyzer.registry.remove_recognizer(name)
        for recognizer in veil_recognizers():
            analyzer.registry.add_recognizer(recognizer)
        _require_recognizers(analyzer.registry, self._settings.entities)
        world_name_ranks()  # builds the names-dataset cache on first use: at warm-up, not mid-request
        log.info("presidio analyzer ready (%d recognizers)", len(analyzer.registry.recognizers))
        return BatchAnalyzerEngine(analyzer_engine=analyzer)

    def detect_capitalised(self, texts: Sequence[str]) -> list[list[Detection]]:
        """Regex recognizers only, no NLP: cheap enough to run on every re-cased text's original."""
        from redaction.recognizers import CAPITALISED_FORMATS

        registry = self._batch_analyzer.analyzer_engine.registry
        recognizers = [r for r in registry.recognizers if r.name in CAPITALISED_FORMATS]
        entities = list(self._settings.entities)
        return [[_to_detection(found) for r in recognizers for found in r.analyze(text, entities, None)
                 if found.score >= self._settings.score_threshold and found.entity_type in entities]
                for text in texts]

    def detect(self, texts: Sequence[str]) -> list[list[Detection]]:
        results = self._batch_analyzer.analyze_iterator(
            list(texts),
            language=self._settings.language,
            entities=list(self._settings.entities),
            score_threshold=self._settings.score_threshold,
        )
        return [[_to_detection(r) for r in per_text] for per_text in results]


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


def _to_detection(result) -> Detection:
    meta = result.recognition_metadata or {}
    return Detection(result.entity_type, result.start, result.end, float(result.score),
                     str(meta.get("recognizer_name", "unknown")))
