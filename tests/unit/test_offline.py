"""Privacy invariant 6: no telemetry, no hub look-ups, no downloads."""

from __future__ import annotations

import importlib.util
import os
import socket

import pytest

from core.offline import OFFLINE_ENV, harden_environment


def test_torchvision_is_absent():
    """Beside torch 2.13.0 it cannot load and breaks sentence-transformers (ENVIRONMENT.md)."""
    assert importlib.util.find_spec("torchvision") is None


def test_hardening_forces_offline_flags(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "0")
    monkeypatch.setenv("DO_NOT_TRACK", "false")
    harden_environment()
    for key, value in OFFLINE_ENV.items():
        assert os.environ[key] == value


@pytest.fixture
def no_network(monkeypatch):
    attempts = []

    def refuse(self, address, *args, **kwargs):
        attempts.append(address)
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    return attempts


def test_redactor_and_parser_make_no_network_attempt(no_network):
    """tldextract (e-mail/URL validation) and unstructured's spaCy loader must stay local."""
    from core.settings import ParsingSettings, RedactionSettings
    from ingest.unstructured_parser import UnstructuredParser
    from redaction.transform.operators import ReplacementPolicy
    from redaction.presidio import PresidioDetector
    from redaction.redactor import DocumentRedactor

    elements = UnstructuredParser(ParsingSettings()).parse(
        b"Contact Jane Roe at jane.roe@example.com or https://intranet.example.org/hr today.", "note.txt")
    redactor = DocumentRedactor(PresidioDetector(RedactionSettings()), ReplacementPolicy())
    redacted = redactor.redact([e.text for e in elements])
    assert "jane.roe@example.com" not in redacted[0].text and "<EMAIL_ADDRESS_1>" in redacted[0].text
    assert no_network == []
