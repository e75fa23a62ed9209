"""Redaction policies through the real `veil` CLI on the real embedded stack (Presidio, MiniLM, Qdrant
Edge): a people-only collection keeps a place and a date readable while masking a name, the audit events
carry the policy, and `--sync` redacts again after a policy change, reporting what it cannot reach.
The text is invented."""

from __future__ import annotations

import json

import pytest

from core.audit import AuditLog
from tests.e2e.conftest import VeilRunner

pytestmark = pytest.mark.e2e

PAPER = ("Outbreak report. Dr Laura Bennett described the first cluster of cases in Rotterdam on "
         "14 February 2020. Bennett traced every case to one ward.")
LETTER = "Dear colleague, the samples from Rotterdam arrive on 3 March 2020. Regards, Laura Bennett"


def exported(runner: VeilRunner, collection: str) -> dict[str, str]:
    lines = runner.run("export", "--collection", collection).stdout.splitlines()
    texts: dict[str, str] = {}
    for chunk in map(json.loads, lines):
        texts[chunk["metadata"]["source"]] = texts.get(chunk["metadata"]["source"], "") + chunk["text"]
    return texts


def test_people_only_keeps_places_and_dates_masks_names_and_sync_redacts_again(tmp_path):
    papers, letters = tmp_path / "papers", tmp_path / "letters"
    papers.mkdir()
    letters.mkdir()
    (papers / "outbreak.txt").write_text(PAPER)
    (letters / "letter.txt").write_text(LETTER)
    runner = VeilRunner(tmp_path / ".veil", tmp_path)

    runner.json("ingest", str(papers), str(letters), "--collection", "lit")
    before = exported(runner, "lit")
    assert "Rotterdam" not in before["papers/outbreak.txt"] and "Bennett" not in before["papers/outbreak.txt"]

    proc = runner.run("ingest", str(papers), "--collection", "lit", "--policy", "people-only", "--sync", "--json",
                      check=False)
    assert proc.returncode == 1, proc.stderr[-2000:]  # the letter could not be redacted again: said, not hidden
    by_path = {f["path"]: f for f in json.loads(proc.stdout)["files"]}
    assert by_path["papers/outbreak.txt"]["status"] == "updated"
    unreachable = by_path["letters/letter.txt"]
    assert unreachable["status"] == "unreachable" and "people-only" in unreachable["error"]
    after = exported(runner, "lit")
    paper = after["papers/outbreak.txt"]
    assert "Rotterdam" in paper and "14 February 2020" in paper
    assert "Bennett" not in paper and "Laura" not in paper and "<PERSON_1>" in paper
    assert after["letters/letter.txt"] == before["letters/letter.txt"]  # kept as it was, never dropped

    key = (tmp_path / ".veil" / "keys" / "audit.key").read_text().strip().encode()
    audit = AuditLog(tmp_path / ".veil" / "audit.db", key)
    paper_id = by_path["papers/outbreak.txt"]["doc_id"]
    latest = [e.payload for e in audit.events("redaction") if e.payload["doc_id"] == paper_id][-1]
    assert latest["policy"] == "people-only" and latest["entity_type"] == "PERSON"
    assert {e.payload["policy"] for e in audit.events("redaction")} == {"default", "people-only"}
    audit.close()

    again = runner.json("ingest", str(letters), "--collection", "lit", "--sync")
    assert [f["status"] for f in again["files"]] == ["updated"]
    letter = exported(runner, "lit")["letters/letter.txt"]
    assert "Rotterdam" in letter and "Bennett" not in letter

    shown = runner.json("config", "show")["collection_policies"]
    assert [(p["collection"], p["policy"], p["source"]) for p in shown] == [("lit", "people-only", "stored")]
    assert "Bennett" not in "".join(runner.transcript)
