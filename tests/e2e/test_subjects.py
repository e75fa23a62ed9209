"""Access and erasure requests about one person on the real stack (unstructured, Presidio, MiniLM, Qdrant
Edge), with state in SQLite files (the default) and in PostgreSQL: find, forget, and everything that must
hold afterwards. Invented people, numbers and facts only."""

from __future__ import annotations

import json
import re
import secrets
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from tests.e2e.conftest import VeilRunner, serving
from tests.services import postgres_url  # noqa: F401 (fixture)

pytestmark = pytest.mark.e2e

NAME, EMAIL, PHONE = "Orla Fennimore", "orla.fennimore@example.org", "+44 20 7946 0321"
VALUES = [NAME, "Ms Fennimore", "Fennimore", EMAIL, PHONE]
FILES = {  # the first two mention her; each holds a fact no other document holds
    "intake_note.txt": f"Clinic intake note, 14 March.\n\nPatient: {NAME}, phone {PHONE}, e-mail {EMAIL}.\n\n"
                       "Ms Fennimore reports a calcified tendon in her right shoulder that flares after rowing.",
    "billing_letter.txt": f"Dear {NAME},\n\nYour invoice for seven physiotherapy sessions at sixty pounds each "
                          f"remains open. We will send the receipt to {EMAIL} once the harpsichord fund pays it.",
    "canteen_memo.txt": "Memo from Tobias Wrenfield: the canteen will serve lentil soup every Thursday from October.",
}
REASON = f"Erasure request by letter from {NAME}, reference ER-7731"


@pytest.fixture(params=["sqlite", "postgresql"])
def runner(request, tmp_path) -> VeilRunner:
    env = {"VEIL_VAULT__ENABLED": "true", "VEIL_VAULT__KEY": Fernet.generate_key().decode()}
    if request.param == "postgresql":
        env |= {"VEIL_STATE__URL": request.getfixturevalue("postgres_url"),
                "VEIL_AUDIT__KEY": secrets.token_hex(32)}
    return VeilRunner(tmp_path / ".veil", tmp_path, extra_env=env)


@pytest.fixture
def folder(tmp_path) -> Path:
    root = tmp_path / "clinic"
    root.mkdir()
    for name, text in FILES.items():
        (root / name).write_text(text)
    return root


def by_name(report: dict) -> dict[str, dict]:
    return {Path(f["path"]).name: f for f in report["files"]}


def test_find_then_forget_a_person_end_to_end(runner, folder, request):
    ids = {name: f["doc_id"] for name, f in by_name(runner.json("ingest", str(folder))).items()}
    theirs = {ids["intake_note.txt"], ids["billing_letter.txt"]}
    found = runner.json("subject", "find", *VALUES)["documents"]
    assert {d["doc_id"] for d in found} == theirs
    assert all(d["chunks"] and {"doc_id", "source", "collection", "chunks", "labels"} == d.keys() for d in found)
    token = _placeholder(runner, ids["intake_note.txt"])
    assert runner.run("vault", "reveal", ids["intake_note.txt"], token, "--auditor", "officer",
                      "--reason", "checking before the erasure").stdout.strip() in VALUES

    if request.node.callspec.params["runner"] == "postgresql":  # the CLI hands the request to the server
        with serving(runner):
            forgotten = runner.json("subject", "forget", *VALUES, "--reason", REASON)
    else:
        forgotten = runner.json("subject", "forget", *VALUES, "--reason", REASON)
    assert {d["doc_id"] for d in forgotten["documents"]} == theirs
    assert all(d["chunks"] >= 1 for d in forgotten["documents"])

    # 1. find lists nothing
    assert runner.json("subject", "find", *VALUES) == {"documents": []}
    # 2. their placeholders cannot be revealed
    refused = runner.run("vault", "reveal", ids["intake_note.txt"], token, "--auditor", "officer",
                         "--reason", "checking after the erasure", check=False)
    assert refused.returncode != 0 and "no pseudonym" in refused.stderr
    # 3. a fact only their documents held is found nowhere; other documents are still searchable
    for question in ("Which tendon is calcified and what sport causes the flare?",
                     "What fund pays the physiotherapy receipt?"):
        hits = runner.json("query", question, "--no-generate")["citations"]
        assert not {h["doc_id"] for h in hits} & theirs
        assert not any(re.search(r"calcified|harpsichord", h["text"]) for h in hits)
    canteen = runner.json("query", "What does the canteen serve on Thursdays?", "--no-generate")["citations"]
    assert canteen and canteen[0]["doc_id"] == ids["canteen_memo.txt"] and "lentil soup" in canteen[0]["text"]
    exported = runner.run("export").stdout
    assert "calcified" not in exported and "harpsichord" not in exported and "lentil soup" in exported
    # 4. ingesting the same folder again (with --sync) does not bring them back
    again = by_name(runner.json("ingest", str(folder), "--sync"))
    assert {n: f["status"] for n, f in again.items()} == {
        "intake_note.txt": "erased", "billing_letter.txt": "erased", "canteen_memo.txt": "unchanged"}
    assert runner.json("subject", "find", *VALUES) == {"documents": []}

    # the audit trail: the request recorded (hashes, never a value), the chain intact
    assert runner.json("audit", "verify")["ok"]
    events = runner.json("audit", "report")["events"]
    assert events["subject.forgotten"] == 1 and events["subject.find"] == 3
    _assert_nowhere(runner, request)

    # an admin lifts one mark: that file is ingested again, the other stays out
    runner.run("subject", "allow", ids["billing_letter.txt"], "--reason", "the request was withdrawn in writing")
    last = by_name(runner.json("ingest", str(folder)))
    assert last["billing_letter.txt"]["status"] == "ingested" and last["intake_note.txt"]["status"] == "erased"
    assert {d["doc_id"] for d in runner.json("subject", "find", EMAIL)["documents"]} == {ids["billing_letter.txt"]}


def _placeholder(runner: VeilRunner, doc_id: str) -> str:
    """A placeholder of the person in the stored note (what a vault reveal would ask for)."""
    for line in runner.run("export").stdout.splitlines():
        chunk = json.loads(line)
        if chunk["metadata"]["doc_id"] == doc_id and (found := re.search(r"<(PERSON|EMAIL_ADDRESS)_\d+>", chunk["text"])):
            return found.group(0)
    raise AssertionError("the note holds no placeholder")


def _assert_nowhere(runner: VeilRunner, request) -> None:
    """No looked-up value in the data dir (store, state, logs) nor, with PostgreSQL, in any of Veil's tables."""
    blobs = "\n".join(p.read_bytes().decode("utf-8", "ignore") for p in runner.data_dir.rglob("*") if p.is_file())
    if request.node.callspec.params["runner"] == "postgresql":
        blobs += _postgres_text(runner.extra_env["VEIL_STATE__URL"])
    lowered = blobs.casefold()
    assert [v for v in (NAME, EMAIL, PHONE, "Fennimore") if v.casefold() in lowered] == []


def _postgres_text(url: str) -> str:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'veil'").fetchall()]
        return "\n".join(str(row) for t in tables for row in conn.execute(f"SELECT * FROM veil.{t}").fetchall())
