"""A slim spaCy engine for Presidio: only the NER component runs.

The small English model's NER has its own tok2vec, so the tagger, parser, attribute ruler and
lemmatizer can be left out (they are ~half of the pipeline's time). Presidio's context
enhancement compares context words with token lemmas; the lower-cased token text stands in for
the lemma, and Veil's context words are listed in the inflections they occur in.
"""

from __future__ import annotations

from presidio_analyzer.nlp_engine import NerModelConfiguration, NlpArtifacts, SpacyNlpEngine

# Components of the en_core_web_* pipelines that NER does not listen to.
UNUSED_COMPONENTS = ["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter"]

# spaCy labels that are never personal data on their own.
IGNORED_NER_LABELS = ["CARDINAL", "ORDINAL", "PERCENT", "QUANTITY", "MONEY", "LANGUAGE", "LAW",
                      "WORK_OF_ART", "EVENT", "PRODUCT"]

NER_TO_ENTITY = {
    "PERSON": "PERSON", "PER": "PERSON", "NORP": "NRP", "GPE": "LOCATION", "LOC": "LOCATION",
    "FAC": "LOCATION", "ORG": "ORGANIZATION", "DATE": "DATE_TIME", "TIME": "DATE_TIME",
}


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
        return NlpArtifacts(
            entities=entities,
            tokens=doc,
            tokens_indices=[token.idx for token in doc],
            lemmas=[token.lower_ for token in doc],
            nlp_engine=self,
            language=language,
            scores=scores,
        )
