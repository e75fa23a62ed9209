from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from core.audit import AuditLog
from core.errors import ConfigError, NotFoundError, PermissionDeniedError
from core.types import Principal
from redaction.transform.operators import ReplacementPolicy
from redaction.redactor import DocumentRedactor
from redaction.vault import PseudonymVault
from tests.fakes import EmailDetector

AUDITOR = Principal("dana", frozenset({"auditor"}))
REASON = "subject access request #1234"


@pytest.fixture
def audit(tmp_path):
    return AuditLog(tmp_path / "audit.db", b"vault-test-audit-key")


def scrub(text: str) -> str:
    return DocumentRedactor(EmailDetector(), ReplacementPolicy()).redact([text])[0].text


@pytest.fixture
def vault(tmp_path, audit):
    return PseudonymVault(tmp_path / "vault.db", Fernet.generate_key().decode(), audit, scrub=scrub)


def test_redactor_files_pseudonyms_encrypted_and_an_auditor_reads_them_back(vault, audit, tmp_path):
    redactor = DocumentRedactor(EmailDetector(), ReplacementPolicy(), audit.hash_value, vault)
    out = redactor.redact(["write to ann@x.org"], scope="doc-1")
    assert out[0].text == "write to <EMAIL_ADDRESS_1>"
    assert b"ann@x.org" not in (tmp_path / "vault.db").read_bytes()
    assert vault.reveal(AUDITOR, REASON, "doc-1", "<EMAIL_ADDRESS_1>") == "ann@x.org"
    event = list(audit.events("vault.reveal"))[-1].payload
    assert event == {"principal": "dana", "reason": REASON, "doc_id": "doc-1", "token": "<EMAIL_ADDRESS_1>",
                     "granted": True}


def test_non_auditors_and_missing_reasons_are_refused_and_audited(vault, audit):
    vault.store("doc-1", {"<PERSON_1>": "Ann Lee"})
    with pytest.raises(PermissionDeniedError, match="not an auditor"):
        vault.reveal(Principal("eve"), REASON, "doc-1", "<PERSON_1>")
    with pytest.raises(PermissionDeniedError, match="reason"):
        vault.reveal(AUDITOR, "   ", "doc-1", "<PERSON_1>")
    with pytest.raises(NotFoundError):
        vault.reveal(AUDITOR, REASON, "doc-1", "<PERSON_9>")
    granted = [e.payload["granted"] for e in audit.events("vault.reveal")]
    assert granted == [False, False, False]
    assert "Ann Lee" not in repr([e.payload for e in audit.events()])


def test_forget_erases_a_document(vault):
    vault.store("doc-1", {"<PERSON_1>": "Ann Lee"})
    vault.forget("doc-1")
    with pytest.raises(NotFoundError):
        vault.reveal(AUDITOR, REASON, "doc-1", "<PERSON_1>")


def test_bad_key_fails_loudly(tmp_path, audit):
    with pytest.raises(ConfigError, match="Fernet"):
        PseudonymVault(tmp_path / "v.db", "not-a-key", audit)


def test_vault_is_off_by_default_and_needs_a_key(monkeypatch):
    from core.settings import load_settings

    assert load_settings().vault.enabled is False
    monkeypatch.setenv("VEIL_VAULT__ENABLED", "true")
    with pytest.raises(ConfigError, match="VEIL_VAULT__KEY"):
        load_settings()


def test_the_reason_is_redacted_before_it_is_audited(vault, audit):
    vault.store("doc-1", {"<PERSON_1>": "Ann Lee"})
    vault.reveal(AUDITOR, "request sent by ann.lee@example.org", "doc-1", "<PERSON_1>")
    logged = list(audit.events("vault.reveal"))[-1].payload["reason"]
    assert logged == "request sent by <EMAIL_ADDRESS_1>"


def test_without_a_redactor_the_reason_is_withheld(tmp_path, audit):
    bare = PseudonymVault(tmp_path / "v2.db", Fernet.generate_key().decode(), audit)
    bare.store("d", {"<PERSON_1>": "Ann Lee"})
    bare.reveal(AUDITOR, "request sent by ann.lee@example.org", "d", "<PERSON_1>")
    assert "ann.lee" not in repr([e.payload for e in audit.events()])
