"""Redaction policies: the profiles' mapping to entity types, allow and deny terms, the store that keeps
each collection's policy (deny terms sealed), and the pipeline redacting under it. Fast fakes; the real
stack is in tests/e2e/test_policies.py. Every name, place and term here is invented."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

import httpx
import pytest

from api.wiring import Veil
from core.audit import AuditLog
from core.errors import ConfigError, VeilError
from core.settings import (CollectionRedaction, EscalationSettings, RedactionSettings, RetrievalSettings, Settings,
                           load_settings)
from core.state import open_state
from core.types import Hit
from generation.answering import Answerer
from generation.budget import PrivacyBudget
from generation.escalation import Escalator
from generation.openai_compat import OpenAICompatibleChat
from generation.router import Router
from ingest.collection_policies import CollectionPolicies
from ingest.registry import DocumentRegistry
from redaction.egress import EgressGuard
from redaction.policies import DEFAULT_POLICY, POLICY_NAMES, READABLE, RedactionPolicy
from redaction.pseudonymiser import Pseudonymiser
from redaction.redactor import DocumentRedactor
from redaction.spans import SPECIFICITY, Detection
from redaction.transform.operators import ReplacementPolicy
from retrieval.hashing import HashingEmbedder
from retrieval.qdrant_edge import QdrantEdgeStore
from tests.fakes import ScriptedChat, TextParser

KNOWN = set(RedactionSettings().entities)
NOTE = "Orla Quennell flew from Velmora to Castrique on 12 March 2024 with Brightwater Labs (orla@quennell.test)."
PATTERNS = {  # an invented lexicon, enough to see which types a policy replaces
    "PERSON": r"Orla Quennell|Quennell",
    "LOCATION": r"Velmora|Castrique",
    "DATE_TIME": r"12 March 2024|\b20\d\d\b",
    "ORGANIZATION": r"Brightwater Labs",
    "EMAIL_ADDRESS": r"[\w.]+@[\w.]+\.test",
    "AGE": r"aged \d+",
}


class LexiconDetector:
    def detect(self, texts: Sequence[str]) -> list[list[Detection]]:
        return [[Detection(kind, m.start(), m.end(), 0.9, "lexicon") for kind, p in PATTERNS.items()
                 for m in re.finditer(p, t)] for t in texts]

    def detect_capitalised(self, texts: Sequence[str]) -> list[list[Detection]]:
        return [[] for _ in texts]


def redacted(policy: RedactionPolicy, text: str = NOTE) -> str:
    return DocumentRedactor(LexiconDetector(), ReplacementPolicy()).redact_documents([([text], None)], [policy])[0][0].text


# -- the profiles --------------------------------------------------------------------------------

def test_every_profile_names_only_types_veil_detects_and_the_settings_list_the_same_profiles():
    known = KNOWN | {label for tier in SPECIFICITY for label in tier}
    for name in POLICY_NAMES:
        assert READABLE[name] <= known, name
    assert set(POLICY_NAMES) == {"default", "hipaa-safe-harbor", "gdpr", "people-only"}


def test_default_masks_every_type_detected_and_is_what_redaction_did_before_policies():
    assert DEFAULT_POLICY.masked_types(list(KNOWN)) == list(KNOWN)
    assert redacted(DEFAULT_POLICY) == redacted(RedactionPolicy("default")) == DocumentRedactor(
        LexiconDetector(), ReplacementPolicy()).redact([NOTE])[0].text
    assert "Velmora" not in redacted(DEFAULT_POLICY) and "Brightwater" not in redacted(DEFAULT_POLICY)


def test_people_only_masks_people_contacts_and_numbers_and_keeps_places_organisations_dates():
    masked = set(RedactionPolicy("people-only").masked_types(list(KNOWN)))
    assert {"PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER", "STREET_ADDRESS", "ZIP_CODE", "US_SSN", "IBAN_CODE",
            "CREDIT_CARD", "ID_NUMBER", "UK_NHS", "VEHICLE_ID", "CASE_NUMBER", "IP_ADDRESS"} <= masked
    assert not {"LOCATION", "ORGANIZATION", "DATE_TIME"} & masked
    text = redacted(RedactionPolicy("people-only"))
    assert "Orla" not in text and "quennell.test" not in text
    assert "from Velmora to Castrique on 12 March 2024 with Brightwater Labs" in text


def test_hipaa_safe_harbor_masks_the_18_identifiers_and_keeps_a_year_and_ages_up_to_89():
    policy = RedactionPolicy("hipaa-safe-harbor")
    assert set(policy.masked_types(list(KNOWN))) == KNOWN - {"TITLE", "NRP"}
    text = redacted(policy, "Quennell, aged 47, seen in 2019; her father, aged 93, on 12 March 2024.")
    assert "aged 47" in text and "2019" in text  # Safe Harbor keeps the year and ages of 89 or less
    assert "aged 93" not in text and "12 March 2024" not in text and "Quennell" not in text


def test_hipaa_safe_harbor_reads_an_age_in_words_by_its_value():
    from redaction.recognizers.ages import AgeRecognizer

    text = "Quennell, aged forty-seven; her father, aged ninety-three."
    ages = [Detection("AGE", r.start, r.end, r.score, "AgeRecognizer") for r in AgeRecognizer().analyze(text, ["AGE"])]
    masked = RedactionPolicy("hipaa-safe-harbor").apply(text, ages)
    assert [text[d.start:d.end] for d in masked] == ["ninety-three"]


def test_numbers_in_words_have_their_value():
    from core.vocabulary.numbers import number_in_words

    assert [number_in_words(t) for t in ("ninety-four", "a hundred and one", "Twelve", "seventy seven")] == [94, 101, 12, 77]
    assert number_in_words("ninety-four pages") is None and number_in_words("many") is None


def test_gdpr_masks_every_type_veil_detects_today():
    assert RedactionPolicy("gdpr").masked_types(list(KNOWN)) == list(KNOWN)


def test_an_unknown_policy_name_fails_loudly_everywhere():
    with pytest.raises(VeilError, match="unknown redaction policy 'people'"):
        RedactionPolicy("people")
    with pytest.raises(ConfigError, match="redaction.collections.papers.policy"):
        load_settings(redaction={"collections": {"papers": {"policy": "people"}}})
    with pytest.raises(ConfigError, match="not valid collection names"):
        load_settings(redaction={"collections": {"bad name!": {"policy": "gdpr"}}})


# -- allow and deny ------------------------------------------------------------------------------

def test_allowed_terms_stay_readable_only_where_a_detection_lies_inside_them():
    policy = RedactionPolicy("default", allow=("velmora",))
    text = redacted(policy)
    assert "from Velmora to" in text and "Castrique" not in text and "Orla" not in text
    assert "Velmorans" not in redacted(RedactionPolicy("default", allow=("Velmoran",)), "Velmorans")  # whole terms


def test_denied_terms_are_masked_in_any_case_and_spacing_whatever_the_policy():
    policy = RedactionPolicy("people-only", deny=("Project  Falcon", "Castrique"))
    text = redacted(policy, "The project falcon team met in Castrique; PROJECT FALCON ends. Falconry is a sport.")
    assert "falcon team" not in text.lower() and "FALCON ends" not in text and "Castrique" not in text
    assert "<DENIED_TERM_1> team" in text and "Falconry is a sport" in text


def test_terms_are_checked_without_echoing_them():
    with pytest.raises(VeilError) as both:
        RedactionPolicy("default", allow=("Orla Quennell",), deny=("orla  quennell",))
    assert "both allowed and denied" in str(both.value) and "Quennell" not in str(both.value)
    for bad in ("  ", "x" * 201, "a\x00b", "<PERSON_1>"):
        with pytest.raises(VeilError):
            RedactionPolicy("default", deny=(bad,))


def test_an_allowed_type_is_still_masked_when_a_stronger_detection_covers_it():
    """A span two detectors found: the policy drops only the readable type's detection."""
    class Overlap(LexiconDetector):
        def detect(self, texts):
            return [[Detection("LOCATION", 0, 7, 0.5, "ner"), Detection("PERSON", 0, 7, 0.9, "names")] for _ in texts]

    out = DocumentRedactor(Overlap(), ReplacementPolicy()).redact_documents(
        [(["Jordane came."], None)], [RedactionPolicy("people-only")])[0][0]
    assert out.text == "<PERSON_1> came."


# -- the store -----------------------------------------------------------------------------------

def store(tmp_path, configured=None, key=b"k" * 32) -> CollectionPolicies:
    return CollectionPolicies(open_state(tmp_path / "veil.db"), configured or {}, key, list(KNOWN))


def test_a_set_policy_is_kept_per_collection_and_deny_terms_are_sealed(tmp_path):
    policies = store(tmp_path)
    assert policies.current("papers").is_default
    set_ = policies.set("papers", "people-only", ["Velmora"], ["Orla Quennell"])
    again = store(tmp_path).current("papers")
    assert again == set_ and again.deny == ("Orla Quennell",) and again.label.startswith("people-only#")
    assert store(tmp_path).current("notes").is_default
    assert b"Quennell" not in (tmp_path / "veil.db").read_bytes() + (tmp_path / "veil.db-wal").read_bytes()
    view = store(tmp_path).view("papers")
    assert view.deny_terms == 1 and view.allow == ("Velmora",) and "LOCATION" not in view.masked
    assert "Quennell" not in json.dumps([v.__dict__ for v in store(tmp_path).views()])


def test_a_new_statement_replaces_the_lists_and_keeps_the_name_when_left_out(tmp_path):
    policies = store(tmp_path)
    policies.set("papers", "people-only", ["Velmora"], ["Castrique"])
    kept = policies.set("papers", allow=["Brightwater"])
    assert (kept.name, kept.allow, kept.deny) == ("people-only", ("Brightwater",), ())
    assert policies.set("papers", "people-only").label == "people-only"


def test_a_deny_list_sealed_under_another_key_is_refused_not_ignored(tmp_path):
    store(tmp_path).set("papers", "default", deny=["Castrique"])
    with pytest.raises(ConfigError, match="sealed under another audit key"):
        store(tmp_path, key=b"o" * 32).current("papers")


def test_the_config_file_decides_and_a_conflicting_request_is_refused(tmp_path):
    configured = {"papers": CollectionRedaction(policy="people-only", allow=("Velmora",))}
    policies = store(tmp_path, configured)
    assert policies.current("papers").name == "people-only" and policies.view("papers").source == "config"
    assert policies.set("papers", "people-only", ["Velmora"]).name == "people-only"  # the same: fine
    with pytest.raises(VeilError, match="redaction.collections.papers"):
        policies.set("papers", "default")


# -- the pipeline --------------------------------------------------------------------------------

def lexicon_veil(tmp_path, escalation: EscalationSettings | None = None) -> Veil:
    data = tmp_path / "data"
    audit = AuditLog(data / "audit.db", b"unit-test-audit-key")
    return Veil(settings=Settings(data_dir=data), registry=DocumentRegistry(data / "veil.db"),
                store=QdrantEdgeStore(data / "qdrant"), embedder=HashingEmbedder(64),
                redactor=DocumentRedactor(LexiconDetector(), ReplacementPolicy(), audit.hash_value),
                parser=TextParser(), chat=ScriptedChat(), audit=audit)


def test_a_policy_change_redacts_again_and_documents_and_events_record_the_policy(tmp_path):
    veil = lexicon_veil(tmp_path)
    try:
        (tmp_path / "trip.txt").write_text(NOTE)
        first = veil.pipeline.ingest_file(tmp_path / "trip.txt", "papers")
        assert first.status == "ingested" and "LOCATION" in first.redactions
        assert veil.pipeline.ingest_file(tmp_path / "trip.txt", "papers").status == "unchanged"
        veil.pipeline.policies.set("papers", "people-only")
        again = veil.pipeline.ingest_file(tmp_path / "trip.txt", "papers")
        assert again.status == "updated" and set(again.redactions) == {"PERSON", "EMAIL_ADDRESS"}
        [chunk] = list(veil.store.iter_chunks("papers"))
        assert "Velmora to Castrique on 12 March 2024" in chunk.text and "Orla" not in chunk.text
        assert chunk.payload["policy"] == "people-only" and veil.registry.get(again.doc_id).policy == "people-only"
        events = [e.payload for e in veil.audit.events("redaction")]
        assert {e["policy"] for e in events} == {"default", "people-only"}
        assert all(e["policy"] == "people-only" for e in events[-2:])
        assert [e.payload["policy"] for e in veil.audit.events("document.ingested")] == ["default", "people-only"]
    finally:
        veil.close()


def test_the_egress_guard_applies_the_default_policy_whatever_the_collections(tmp_path):
    """A people-only collection stores places readable; what leaves for the closed model has them pseudonymised."""
    veil = lexicon_veil(tmp_path)
    try:
        veil.pipeline.policies.set("papers", "people-only")
        (tmp_path / "trip.txt").write_text(NOTE)
        veil.pipeline.ingest_file(tmp_path / "trip.txt", "papers")
        [chunk] = list(veil.store.iter_chunks("papers"))
        assert "Velmora" in chunk.text
        bodies = []

        def closed_api(request: httpx.Request) -> httpx.Response:
            bodies.append(request.content.decode())
            return httpx.Response(200, json={"choices": [{"message": {"role": "assistant", "content": "No [1]."}}]})

        escalation = EscalationSettings(base_url="http://127.0.0.1:9/v1", model="closed-1")
        guard_redactor = DocumentRedactor(LexiconDetector(), ReplacementPolicy())  # as api.wiring builds it
        client = OpenAICompatibleChat(escalation, EgressGuard(guard_redactor), httpx.MockTransport(closed_api))
        escalator = Escalator(client, Pseudonymiser(guard_redactor), PrivacyBudget(tmp_path / "b.db", 20, 400))
        hit = Hit(chunk.chunk_id, chunk.payload["doc_id"], "trip.txt", 1, chunk.text, 0.9, 0, len(chunk.text))

        class Store:
            def search(self, query):
                return [hit]

        answerer = Answerer(HashingEmbedder(64), Store(), ScriptedChat(), RetrievalSettings(mode="dense", min_score=-1),
                            router=Router(escalation), escalator=escalator)
        answerer.answer("Where did the flight go?", "papers", escalate=True)
        assert bodies, "nothing was sent"
        assert all(word not in bodies[0] for word in ("Velmora", "Castrique", "Brightwater", "March 2024"))
        assert "<LOCATION_" in bodies[0]
    finally:
        veil.close()


# -- where a policy is set and shown: REST, the CLI ----------------------------------------------

ADMIN = "veil_admin_test-token"


@pytest.fixture
def client(tmp_path):
    from fastapi.testclient import TestClient

    from api.app import create_app
    from tests.unit.helpers import fake_veil

    veil = fake_veil(tmp_path / "data", redaction={"collections": {"fixed": {"policy": "gdpr"}}})
    with TestClient(create_app(veil, ADMIN), headers={"Authorization": f"Bearer {ADMIN}"}) as c:
        yield c
    veil.close()


def upload(client, **form):
    return client.post("/v1/documents", files={"files": ("a.txt", b"Mail orla@quennell.test today.")}, data=form)


def test_an_upload_sets_the_collections_policy_and_an_auditor_sees_it_without_deny_terms(client):
    done = upload(client, collection="papers", policy="people-only", allow=["Velmora"], deny=["Castrique", "Orla"])
    assert done.status_code == 200 and done.json()["files"][0]["status"] == "ingested"
    [document] = client.get("/v1/documents").json()["documents"]
    assert document["policy"].startswith("people-only#")
    shown = client.get("/v1/audit/policies")
    assert shown.status_code == 200 and "Castrique" not in shown.text and "Orla" not in shown.text
    papers = {c["collection"]: c for c in shown.json()["collections"]}["papers"]
    assert papers["allow"] == ["Velmora"] and papers["deny_terms"] == 2 and papers["source"] == "stored"
    assert "PERSON" in papers["masked"] and "LOCATION" not in papers["masked"]
    assert "LOCATION" in shown.json()["default_masked"]


@pytest.mark.parametrize("form, problem", [
    ({"collection": "papers", "policy": "people"}, "policy"),
    ({"collection": "fixed", "policy": "people-only"}, "redaction.collections.fixed"),
    ({"collection": "papers", "deny": ["<PERSON_1>"]}, "deny term 1"),
])
def test_an_invalid_policy_request_is_refused_before_any_file_is_read(client, form, problem):
    refused = upload(client, **form)
    assert refused.status_code == 422 and problem in refused.json()["error"]
    assert client.get("/v1/documents").json()["documents"] == []


def test_the_cli_refuses_an_unknown_policy_and_config_show_lists_policies_without_deny_terms(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from api.cli import app

    monkeypatch.chdir(tmp_path)
    (tmp_path / "veil.toml").write_text('[redaction.collections.papers]\npolicy = "people-only"\n'
                                        'deny = ["Orla Quennell"]\n')
    refused = CliRunner().invoke(app, ["ingest", str(tmp_path), "--policy", "people"])
    assert refused.exit_code == 2 and "people" in refused.output
    shown = CliRunner().invoke(app, ["config", "show", "--json"])
    assert shown.exit_code == 0 and "Quennell" not in shown.output
    body = json.loads(shown.output)
    assert body["collection_policies"][0]["policy"] == "people-only"
    assert body["collection_policies"][0]["deny_terms"] == 1


def test_where_places_stay_readable_an_address_is_masked_with_its_town_region_and_postcode():
    class Addresses(LexiconDetector):
        def detect(self, texts):
            return [[Detection("STREET_ADDRESS", m.start(), m.end(), 0.9, "addresses")
                     for m in re.finditer(r"\d+ \w+ (?:Road|St)", t)]
                    + [Detection("LOCATION", m.start(), m.end(), 0.8, "ner")
                       for m in re.finditer(r"Velmora|CASTRIQUE", t)] for t in texts]

    text = "Post to 28 Harbour Road, Velmora, CK 5365 or 12 Elm St\tCASTRIQUE\tQX\t90210. Velmora in 2020."
    out = DocumentRedactor(Addresses(), ReplacementPolicy()).redact_documents(
        [([text], None)], [RedactionPolicy("people-only")])[0][0].text
    assert out == "Post to <STREET_ADDRESS_1> or <STREET_ADDRESS_2>. Velmora in 2020."
