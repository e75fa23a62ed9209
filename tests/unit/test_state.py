"""Shared state on both engines: SQLite files (the default) and the machine's real PostgreSQL.

Every component creates its tables on first use in an empty database, and behaves the same on both;
the audit chain stays one verifiable chain with several writer processes (appends are serialised in
the database), budgets and rate limits are shared by replicas."""

from __future__ import annotations

import multiprocessing
from datetime import date
from pathlib import Path

import pytest

from api.auth.keystore import KeyStore
from api.auth.limits import KeyLimiter, SharedBuckets
from core.audit import AuditLog
from core.errors import ConfigError, RateLimitedError
from core.state import PostgresState, open_state, shown
from core.types import DocumentInfo, Principal
from generation.budget import PrivacyBudget
from ingest.jobs import JobBook
from ingest.pipeline import FileResult
from ingest.registry import DocumentRegistry
from redaction.vault import PseudonymVault
from tests.services import postgres_url  # noqa: F401 (fixture)

KEY = b"shared-state-test-audit-key-0000"


@pytest.fixture(params=["sqlite", "postgresql"])
def state(request, tmp_path):
    """A factory of connections to one empty database of the engine under test."""
    if request.param == "sqlite":
        yield lambda name="veil": open_state(tmp_path / f"{name}.db")
    else:
        url = request.getfixturevalue("postgres_url")
        yield lambda name="veil": open_state(url)


def _info(doc_id="d1", version_hash="h1") -> DocumentInfo:
    return DocumentInfo(doc_id, "default", "notes.txt", version_hash, "2026-01-01T00:00:00+00:00", 2,
                        {"PERSON": 1}, ("everyone",))


def test_registry_and_journal_round_trip(state):
    registry = DocumentRegistry(state())
    registry.begin("writing", _info())
    assert [e.step for e in registry.unfinished()] == ["writing"]
    registry.advance("d1", "publishing")
    registry.published(_info(), folder_id="f1")
    assert registry.unfinished() == [] and registry.get("d1") == _info()
    assert registry.is_current("d1", "h1") and not registry.is_current("d1", "h2")
    registry.published(_info(version_hash="h2"))  # a new version replaces the row
    assert [d.content_hash for d in DocumentRegistry(state()).list()] == ["h2"]
    registry.removed("d1")
    assert registry.get("d1") is None


def test_a_job_file_is_finished_in_the_registrys_transaction(state):
    registry, jobs = DocumentRegistry(state()), JobBook(state())
    job = jobs.create("default", ("everyone",), 2)
    assert jobs.status(job)["state"] == "queued"
    assert jobs.claim(job, 0).attempts == 1
    registry.published(_info(), also=lambda tx: jobs.finish_in(tx, job, 0, FileResult("notes.txt", "ingested", 2,
                                                                                       doc_id="d1")))
    assert jobs.claim(job, 0).finished  # a repeated delivery finds it done
    body = jobs.status(job)
    assert body["state"] == "running" and body["totals"]["ingested"] == 1 and body["totals"]["queued"] == 1
    jobs.finish(job, 1, FileResult("broken.pdf", "failed", error="not a PDF"))
    body = jobs.status(job)
    assert body["state"] == "done" and body["totals"]["failed"] == 1 and body["totals"]["chunks"] == 2
    assert jobs.status("no-such-job") is None


def test_a_failing_registry_write_leaves_the_job_file_pending(state):
    registry, jobs = DocumentRegistry(state()), JobBook(state())
    job = jobs.create("default", ("everyone",), 1)

    def fail(tx):
        jobs.finish_in(tx, job, 0, FileResult("notes.txt", "ingested", 2))
        raise RuntimeError("crash between the two")

    with pytest.raises(RuntimeError):
        registry.published(_info(), also=fail)
    assert registry.get("d1") is None and not jobs.finished(job, 0)


def test_api_keys(state):
    keys = KeyStore(state())
    secret, key = keys.create("user", ("hr",))
    assert KeyStore(state()).authenticate(secret).id == key.id  # another replica sees it
    keys.revoke(key.id)
    assert KeyStore(state()).authenticate(secret) is None


def test_budgets_are_shared_and_never_overspent(state):
    day = date(2026, 1, 1)
    replicas = [PrivacyBudget(state("escalation"), 3, 100, today=lambda: day) for _ in range(2)]
    outcomes = [replicas[i % 2].reserve("alice", 10) for i in range(5)]
    assert outcomes[:3] == [None, None, None] and all(outcomes[3:])
    assert replicas[1].used("alice").escalations == 3


def test_rate_limits_are_shared_by_replicas(state):
    now = 1_790_000_060.25  # a Unix time: stored to the fraction (a 4-byte REAL would round it by a minute)
    replicas = [KeyLimiter(10, 3, clock=lambda: now, buckets=SharedBuckets(state(), 3)) for _ in range(2)]
    for i in range(3):
        with replicas[i % 2].hold("k"):
            pass
    with pytest.raises(RateLimitedError, match="this minute"):
        replicas[1].hold("k").__enter__()
    soon = KeyLimiter(10, 3, clock=lambda: now + 15, buckets=SharedBuckets(state(), 3))
    with pytest.raises(RateLimitedError):  # a quarter of a minute is not yet a whole request
        soon.hold("k").__enter__()
    later = KeyLimiter(10, 3, clock=lambda: now + 20, buckets=SharedBuckets(state(), 3))
    with later.hold("k"):  # a third of a minute refills one request
        pass


def test_vault(state):
    from cryptography.fernet import Fernet

    audit = AuditLog(state("audit"), KEY)
    vault = PseudonymVault(state("vault"), Fernet.generate_key().decode(), audit)
    vault.store("d1", {"<PERSON_1>": "Ada Example"})
    auditor = Principal("carol", frozenset({"auditor"}))
    assert vault.reveal(auditor, "subject access request 42", "d1", "<PERSON_1>") == "Ada Example"
    vault.forget("d1")
    assert [e.payload["granted"] for e in audit.events("vault.reveal")] == [True]


def test_audit_chain_verifies_and_catches_an_edit(state):
    log = AuditLog(state("audit"), KEY)
    for i in range(5):
        log.append("test", {"i": i})
    assert log.verify().ok and log.verify().events == 5
    table = "events" if log._db.dialect == "sqlite" else "audit_events"
    log._db.execute(f"UPDATE {table} SET payload = ? WHERE seq = 3", ('{"i":99}',))
    broken = AuditLog(state("audit"), KEY).verify()
    assert not broken.ok and broken.first_bad_seq == 3


def _append_many(target: str, writer: int, count: int) -> None:
    log = AuditLog(open_state(target if target.startswith("postgres") else Path(target)), KEY)
    for i in range(count):
        log.append("test.concurrent", {"writer": writer, "i": i})
    log.close()


def test_concurrent_writer_processes_extend_one_chain(state, tmp_path):
    """Four processes append at once; the chain has every event once, in one unbroken sequence."""
    db = state("audit")
    target = getattr(db, "url", None) or str(db.path)
    db.close()
    context = multiprocessing.get_context("spawn")
    writers = [context.Process(target=_append_many, args=(target, w, 40)) for w in range(4)]
    for p in writers:
        p.start()
    for p in writers:
        p.join(120)
        assert p.exitcode == 0
    log = AuditLog(open_state(target if target.startswith("postgres") else Path(target)), KEY)
    verification = log.verify()
    assert verification.ok and verification.events == 160
    events = list(log.events("test.concurrent"))
    assert [e.seq for e in events] == list(range(1, 161))
    assert {(e.payload["writer"], e.payload["i"]) for e in events} == {(w, i) for w in range(4) for i in range(40)}


def test_an_unreachable_database_fails_loudly_without_its_password():
    with pytest.raises(ConfigError, match="cannot connect to PostgreSQL") as caught:
        PostgresState("postgresql://veil:s3cret@127.0.0.1:1/veil")
    assert "s3cret" not in str(caught.value) and "127.0.0.1:1" in str(caught.value)


def test_shown_hides_the_password():
    assert shown("postgresql://veil:pw@db:5432/veil") == "postgresql://veil@db:5432/veil"


def test_verifying_while_another_writer_appends_never_reports_a_break(state):
    import threading

    writer, reader = AuditLog(state("audit"), KEY), AuditLog(state("audit"), KEY)
    done = threading.Event()

    def append() -> None:
        for i in range(150):
            writer.append("test.live", {"i": i})
        done.set()

    thread = threading.Thread(target=append)
    thread.start()
    results = []
    while not done.is_set():
        results.append(reader.verify())
    thread.join()
    assert results and all(r.ok for r in results), [r.problem for r in results if not r.ok][:1]


class _BrokenBuckets:
    def take(self, key, now):
        raise ConnectionError("state database unreachable")


def test_a_failing_bucket_does_not_leave_the_request_in_flight():
    limiter = KeyLimiter(max_in_flight=1, per_minute=10, buckets=_BrokenBuckets())
    for _ in range(3):
        with pytest.raises(ConnectionError):
            limiter.hold("k").__enter__()
    assert limiter._in_flight["k"] == 0


def test_a_lock_is_held_against_every_other_holder(state):
    first, second = state(), state()
    with first.lock("veil/doc/d1"):
        with second.try_lock("veil/doc/d1") as held:
            assert held is False
        with second.try_lock("veil/doc/d2") as held:
            assert held is True
    with second.try_lock("veil/doc/d1") as held:
        assert held is True


def test_veils_tables_live_in_a_schema_of_their_own(postgres_url):
    """A shared database may hold another application's `documents` or `jobs`: Veil never touches them."""
    import psycopg

    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE documents (id INTEGER PRIMARY KEY, title TEXT)")
        conn.execute("INSERT INTO documents VALUES (1, 'someone else''s')")
    registry = DocumentRegistry(open_state(postgres_url))
    registry.published(_info())
    assert [d.doc_id for d in registry.list()] == ["d1"]
    registry.close()
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        assert conn.execute("SELECT title FROM public.documents").fetchall() == [("someone else's",)]
        assert conn.execute("SELECT doc_id FROM veil.documents").fetchall() == [("d1",)]
