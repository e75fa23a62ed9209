"""`veil ingest` on folders, on the real stack: hostile files, --sync, and kill -9 at random moments."""

from __future__ import annotations

import io
import json
import os
import random
import signal
import subprocess
import time
import zipfile
from pathlib import Path

import pytest

from tests.e2e.conftest import VEIL, VeilRunner

pytestmark = pytest.mark.e2e


def _docx(text: str) -> bytes:
    import docx

    document = docx.Document()
    for paragraph in text.split("\n\n"):
        document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _zip_bomb_docx() -> bytes:
    """A valid-looking .docx whose document part inflates to 300 MB."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        z.writestr("word/document.xml", b"<w:t>" + b"A" * 300_000_000 + b"</w:t>")
    return out.getvalue()


def _encrypted_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.encrypt("not-the-empty-password")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _hostile_share(root: Path) -> Path:
    share = root / "share"
    (share / "sub").mkdir(parents=True)
    (share / "policy.txt").write_text("Refunds are paid within fourteen days of the claim.")
    (share / "sub" / "handbook.docx").write_bytes(_docx("Staff may work from home on Fridays."))
    (share / "notes.md").write_text("# Notes\n\nThe warehouse opens at seven.")
    (share / "bomb.docx").write_bytes(_zip_bomb_docx())
    (share / "locked.pdf").write_bytes(_encrypted_pdf())
    (share / "garbage.pdf").write_bytes(random.Random(7).randbytes(4096))
    (share / "empty.docx").write_bytes(b"")
    (share / "renamed.docx").write_text("This is plain text behind a .docx extension.")
    os.symlink("loop", share / "loop")  # a link to itself
    os.symlink(share, share / "sub" / "up")  # a link back up the tree
    (share / os.fsdecode(b"r\xe9sum\xe9.txt")).write_text("Meetings are held on Tuesdays.")
    return share


def test_a_hostile_folder_is_ingested_file_by_file_and_nothing_is_left_behind(tmp_path):
    share = _hostile_share(tmp_path)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    runner = VeilRunner(tmp_path / ".veil", tmp_path, extra_env={
        "TMPDIR": str(scratch), "TORCHINDUCTOR_CACHE_DIR": str(tmp_path / "torch-cache")})  # torch's own cache
    proc = runner.run("ingest", str(share), "--workers", "2", "--json", check=False)
    assert proc.returncode == 1, proc.stderr[-2000:]  # some files failed; the summary is still complete
    report = json.loads(proc.stdout)
    by_path = {f["path"]: f for f in report["files"]}
    assert set(by_path) == {"share/policy.txt", "share/sub/handbook.docx", "share/notes.md", "share/bomb.docx",
                            "share/locked.pdf", "share/garbage.pdf", "share/empty.docx", "share/renamed.docx",
                            "share/loop", "share/sub/up", "share/r\ufffdsum\ufffd.txt"}
    for ok in ("share/policy.txt", "share/sub/handbook.docx", "share/notes.md", "share/r\ufffdsum\ufffd.txt"):
        assert by_path[ok]["status"] == "ingested" and by_path[ok]["chunks"] >= 1, by_path[ok]
    failed = {p: f["error"] for p, f in by_path.items() if f["status"] == "failed"}
    assert {"share/bomb.docx", "share/locked.pdf", "share/garbage.pdf", "share/empty.docx", "share/loop",
            "share/sub/up"} <= set(failed)
    assert "password" in failed["share/locked.pdf"] and "empty" in failed["share/empty.docx"]
    assert failed["share/loop"] == failed["share/sub/up"] == "symbolic link: not followed"
    assert all(reason and "Traceback" not in reason for reason in failed.values())
    assert report["totals"]["failed"] == len(failed) and report["totals"]["files"] == len(by_path)
    assert list(scratch.iterdir()) == []  # no temporary file of the parsers or their workers remains


def test_sync_reports_removals_with_the_stored_name(tmp_path):
    share = tmp_path / "share"
    share.mkdir()
    for name in ("a.txt", "b.txt", "c.txt"):
        (share / name).write_text(f"Document {name} says the office closes at six.")
    runner = VeilRunner(tmp_path / ".veil", tmp_path)
    runner.json("ingest", str(share))
    (share / "b.txt").unlink()
    (share / "c.txt").write_text("Document c now says the office closes at five.")
    report = runner.json("ingest", str(share), "--sync")
    assert {f["path"]: f["status"] for f in report["files"]} == {
        "share/a.txt": "unchanged", "share/b.txt": "deleted", "share/c.txt": "updated"}
    assert {k: report["totals"][k] for k in ("unchanged", "deleted", "updated", "failed")} == {
        "unchanged": 1, "deleted": 1, "updated": 1, "failed": 0}
    exported = [json.loads(line) for line in runner.run("export").stdout.splitlines()]
    assert sorted({c["metadata"]["source"] for c in exported}) == ["share/a.txt", "share/c.txt"]
    c_texts = [c["text"] for c in exported if c["metadata"]["source"] == "share/c.txt"]
    assert c_texts and all("five" in t and "six" not in t for t in c_texts)  # only the new version


# -- kill -9 ------------------------------------------------------------------------------------


def _corpus(root: Path, version: int) -> Path:
    """Twelve small documents; version 2 changes four, removes one and adds one."""
    share = root / "share"
    share.mkdir(exist_ok=True)
    for i in range(12):
        text = " ".join(f"Section {j} of document {i} explains rule {i * j} of the policy." for j in range(40))
        if version == 2 and i % 3 == 0:
            text = text.replace("policy", "revised policy")
        (share / f"doc{i:02}.txt").write_text(text)
    if version == 2:
        (share / "doc11.txt").unlink()
        (share / "doc12.txt").write_text("A document added after the first ingest, about parking.")
    return share


def _published(data_dir: Path) -> dict[str, str]:
    """chunk id -> text of every searchable chunk, read straight from the store (no repair)."""
    from retrieval.qdrant_edge import QdrantEdgeStore

    store = QdrantEdgeStore(data_dir / "qdrant")
    try:
        return {c.chunk_id: c.payload["doc_id"] for c in store.iter_chunks("default")}
    finally:
        store.close()


def _by_document(published: dict[str, str]) -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for chunk_id, doc_id in published.items():
        out.setdefault(doc_id, set()).add(chunk_id)
    return {doc_id: frozenset(ids) for doc_id, ids in out.items()}


def _ingest(data_dir: Path, share: Path, kill_after: float | None) -> int | None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VEIL_")} | {"VEIL_DATA_DIR": str(data_dir)}
    proc = subprocess.Popen([*VEIL, "ingest", str(share), "--sync", "--json", "--workers", "2"], cwd=share.parent,
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    if kill_after is None:
        return proc.wait(timeout=900)
    try:
        proc.wait(timeout=kill_after)
        return proc.returncode  # it finished before the kill
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # the CLI and its parsing workers, like a power cut
        proc.wait()
        return None


@pytest.mark.kill
def test_kill_9_at_random_moments_ends_with_exactly_the_chunks_of_a_clean_run(tmp_path):
    """Same files, two data dirs: one ingested cleanly, one killed at random moments then resumed.

    After each kill, a reader of the store sees each document whole, in one version of a clean run:
    never half of it, never two versions."""
    clean, crashed = tmp_path / "clean", tmp_path / "crashed"
    whole_versions: set[frozenset[str]] = set()
    for version in (1, 2):
        share = _corpus(tmp_path, version)
        started = time.monotonic()
        assert _ingest(clean, share, None) == 0
        duration = time.monotonic() - started
        expected = _published(clean)
        whole_versions |= set(_by_document(expected).values())
        rng = random.Random(version)
        for _ in range(3):
            _ingest(crashed, share, rng.uniform(0.3, 1.0) * duration)
            if (crashed / "qdrant" / "default").exists():
                seen = _by_document(_published(crashed))
                assert set(seen.values()) <= whole_versions, "a half-written or mixed document is searchable"
        assert _ingest(crashed, share, None) == 0
        assert _published(crashed) == expected
