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
    """Every way out refuses and is recorded: connections and DNS look-ups alike."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args[1:] if args and isinstance(args[0], socket.socket) else args)
        raise OSError("network disabled in this test")

    for name in ("connect", "connect_ex", "sendto"):
        monkeypatch.setattr(socket.socket, name, refuse)
    for name in ("getaddrinfo", "gethostbyname", "gethostbyname_ex", "gethostbyaddr", "create_connection"):
        monkeypatch.setattr(socket, name, refuse)
    return attempts


def test_the_guard_sees_dns_look_ups(no_network):
    with pytest.raises(OSError):
        socket.getaddrinfo("huggingface.co", 443)
    assert no_network == [("huggingface.co", 443)]


def test_every_model_loads_and_runs_offline(no_network):
    """The embedder and the GGUF model load from packaged files and run with no look-up at all."""
    from core.settings import GenerationSettings
    from core.types import Message
    from generation.llamacpp import LlamaCppChat
    from retrieval.sentence_transformers import SentenceTransformerEmbedder

    vector = SentenceTransformerEmbedder(None).embed_query("Is the clinic open on Sunday?")
    assert vector.shape == (384,)
    chat = LlamaCppChat(GenerationSettings(max_tokens=4))
    assert chat.prompt_tokens([Message("user", "The clinic is closed on Sunday.")]) > 5
    assert chat.complete([Message("user", "The clinic is closed on Sunday.")]).completion_tokens >= 1
    assert no_network == []


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
