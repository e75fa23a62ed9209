from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading

import pytest

from core.audit import AuditLog

KEY = b"test-key-of-sufficient-length"


@pytest.fixture
def log_path(tmp_path):
    path = tmp_path / "audit.db"
    log = AuditLog(path, KEY)
    for i in range(1, 6):
        log.append("redaction", {"n": i, "value_hmac": log.hash_value(f"person {i}")})
    log.close()
    return path


def verify(path, key=KEY):
    log = AuditLog(path, key)
    try:
        return log.verify()
    finally:
        log.close()


def tamper(path, *statements):
    db = sqlite3.connect(path)
    for sql in statements:
        db.execute(sql)
    db.commit()
    db.close()


def test_intact_log_verifies_and_survives_restart(log_path):
    result = verify(log_path)
    assert result.ok and result.events == 5 and result.head_mac
    log = AuditLog(log_path, KEY)
    log.append("query", {"route": "local"})
    assert [e.seq for e in log.events()] == [1, 2, 3, 4, 5, 6]
    log.close()
    assert verify(log_path).ok


def test_edited_payload_is_named(log_path):
    tamper(log_path, """UPDATE events SET payload = '{"n":99}' WHERE seq = 3""")
    result = verify(log_path)
    assert not result.ok and result.first_bad_seq == 3 and "edited" in result.problem


def test_deleted_event_is_named(log_path):
    tamper(log_path, "DELETE FROM events WHERE seq = 2")
    result = verify(log_path)
    assert not result.ok and result.first_bad_seq == 3


def test_reordered_events_are_detected(log_path):
    tamper(log_path,
           "UPDATE events SET seq = -2 WHERE seq = 2", "UPDATE events SET seq = 2 WHERE seq = 4",
           "UPDATE events SET seq = 4 WHERE seq = -2")
    result = verify(log_path)
    assert not result.ok and result.first_bad_seq == 2


def test_inserted_event_is_detected(log_path):
    tamper(log_path, "INSERT INTO events VALUES (6, '2026-01-01', 'redaction', '{}', 'x', 'y')")
    result = verify(log_path)
    assert not result.ok and result.first_bad_seq == 6


def test_truncated_tail_is_detected(log_path):
    tamper(log_path, "DELETE FROM events WHERE seq >= 4")
    result = verify(log_path)
    assert not result.ok and result.first_bad_seq == 4 and "truncated" in result.problem


def test_truncate_then_append_without_the_key_is_detected(log_path):
    tamper(log_path, "DELETE FROM events WHERE seq >= 4", "DELETE FROM head")
    forger = AuditLog(log_path, b"attacker-guessed-another-key")
    forger.append("redaction", {"n": 4})
    forger.close()
    result = verify(log_path)
    assert not result.ok and result.first_bad_seq == 4


def test_wrong_key_fails_verification(log_path):
    assert not verify(log_path, b"another-key-entirely-0000").ok


def test_value_hmac_is_keyed_normalised_and_not_the_value(tmp_path):
    log = AuditLog(tmp_path / "a.db", KEY)
    other = AuditLog(tmp_path / "b.db", b"a-different-key-000000")
    assert log.hash_value("Jane  DOE") == log.hash_value("jane doe") != other.hash_value("jane doe")
    log.append("redaction", {"value_hmac": log.hash_value("jane@example.com")})
    assert b"jane" not in (tmp_path / "a.db").read_bytes()


def test_concurrent_threads_never_corrupt_the_chain(tmp_path):
    log = AuditLog(tmp_path / "audit.db", KEY)
    threads = [threading.Thread(target=lambda: [log.append("query", {"i": i}) for i in range(25)])
               for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert verify(tmp_path / "audit.db").events == 100 and verify(tmp_path / "audit.db").ok


def test_concurrent_processes_never_corrupt_the_chain(tmp_path):
    code = ("import sys; from core.audit import AuditLog; "
            "log = AuditLog(__import__('pathlib').Path(sys.argv[1]), sys.argv[2].encode()); "
            "[log.append('query', {'i': i}) for i in range(40)]")
    procs = [subprocess.Popen([sys.executable, "-c", code, str(tmp_path / "audit.db"), KEY.decode()])
             for _ in range(3)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0]
    result = verify(tmp_path / "audit.db")
    assert result.ok and result.events == 120
