"""The compliance officer's view of the real stack: audit chain, value search, reports, evaluation."""

from __future__ import annotations

import json
import shutil
import sqlite3

import pytest

pytestmark = pytest.mark.e2e


def test_every_redaction_is_audited_and_the_chain_verifies(ingested):
    runner, report = ingested
    verdict = runner.json("audit", "verify")
    assert verdict["ok"] and verdict["first_bad_seq"] is None
    summary = runner.json("audit", "report")
    assert summary["events"]["document.ingested"] >= 6
    assert summary["redactions"] >= report["totals"]["redactions"]
    assert {"PERSON", "EMAIL_ADDRESS", "IBAN_CODE", "US_SSN", "PHONE_NUMBER"} <= summary["by_type"].keys()


def test_search_finds_a_redacted_value_through_its_hmac(ingested, planted):
    runner, _ = ingested
    iban = next(p for p in planted if p["label"] == "IBAN_CODE")
    found = runner.json("audit", "search", "--value", iban["value"].lower())
    assert found["found"] and found["matches"][0]["source"].endswith(iban["file"])
    assert found["matches"][0]["entity_type"] == "IBAN_CODE"
    assert runner.json("audit", "search", "--value", "never.seen@example.org") == {"found": False, "matches": []}


def test_report_for_one_document(ingested):
    runner, report = ingested
    doc = next(f for f in report["files"] if f["path"].endswith("wire_transfer.eml"))
    summary = runner.json("audit", "report", "--document", doc["doc_id"])
    assert summary["redactions"] == sum(doc["redactions"].values())


def test_an_edited_event_is_caught_by_the_cli(ingested, tmp_path):
    runner, _ = ingested
    copy = tmp_path / "copy"
    shutil.copytree(runner.data_dir / "keys", copy / "keys")
    for part in runner.data_dir.glob("audit.db*"):  # the database and its WAL
        shutil.copy(part, copy / part.name)
    db = sqlite3.connect(copy / "audit.db")
    db.execute("""UPDATE events SET payload = '{"forged": true}' WHERE seq = 5""")
    db.commit()
    db.close()
    proc = type(runner)(copy, runner.workdir).run("audit", "verify", "--json", check=False)
    assert proc.returncode == 4
    assert json.loads(proc.stdout)["first_bad_seq"] == 5


def test_eval_redaction_reports_veil_beside_vanilla(ingested, tmp_path):
    runner, _ = ingested
    dataset = tmp_path / "pii.jsonl"
    rows = [
        ("a", "Please call Maria Gonzalez at (415) 555-0134 tomorrow.", [(12, 26, "PERSON"), (30, 44, "PHONE_NUMBER")]),
        ("b", "Her card 4111 1111 1111 1111 expired.", [(9, 28, "CREDIT_CARD")]),
        ("c", "Wire it to DE89 3704 0044 0532 0130 00 today.", [(11, 38, "IBAN_CODE")]),
        ("d", "The meeting is about the quarterly budget.", []),
    ]
    dataset.write_text("\n".join(json.dumps({"id": i, "text": t, "spans": [
        {"start": s, "end": e, "label": lab} for s, e, lab in spans]}) for i, t, spans in rows))
    result = runner.json("eval", "redaction", str(dataset))
    assert {"recall", "precision", "f2", "per_label", "records", "chars_per_s", "baseline"} <= result.keys()
    assert result["records"] == 4 and result["recall"] == 1.0
    assert result["per_label"]["CREDIT_CARD"] == {"recall": 1.0, "support": 1}
    assert {"recall", "precision", "f2", "per_label", "chars_per_s"} <= result["baseline"].keys()
