"""A slim spaCy engine for Presidio: only the NER component runs.

The small English model's NER has its own tok2vec, so the tagger, parser, attribute ruler and
lemmatizer can be left out (they are ~half of the pipeline's time). Presidio's context
enhancement compares context words with token lemmas; the lower-cased token text stands in for
the lemma, and Veil's context words are listed in the inflections they occur in.
"""

from __future__ import annotations

import re

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


# Names of identifier types and common acronyms that the small model tags as organisations.
ALLOWED_TERMS = frozenset("""iban ssn ss# atm pin id ids pdf url ok asap faq ceo cfo cto coo vp hr it
    dob mrn npi ein tin vat iso gdpr hipaa usa faqs sms gps api
    usd eur gbp jpy chf cad aud cny inr sek nok dkk pln czk huf
    utc gmt sha md5 ip tcp udp http https tls ssl vpn dns sql json xml csv sdk cli os cpu gpu ram
    aws gcp iam sso mfa otp sla sev kpi etl crm erp ecg ekg mri icu bp""".split())
# A date has a month, a year or a numeric date in it; "70", "x3", "1600 hrs" and "10cc/hr" do not.
_DATE_WORDS = re.compile(
    r"(?i)\b(?:19|20)\d\d\b|\b\d{1,2}/\d{1,2}\b|\b\d{1,4}([.-])\d{1,2}\1\d{1,4}\b|\b\d{1,2}(?:st|nd|rd|th)\b|"
    r"\b(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|"
    r"(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?)\b")
_AGE_PHRASE = re.compile(r"(?i)\b(?:years?|yrs?)[\s-]*old\b|\bage\b|\baged\b|\bturn")


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
