"""Private by default on disk: the data dir Veil creates is 0700 and every file it writes there 0600.

The real `veil` entry point (`api.cli.main`) runs in a subprocess - the umask is a process's own -
with the fast fakes in place of the models."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VEIL_WITH_FAKES = """
import sys
import api.wiring as wiring
from tests.fakes import EmailDetector, InlineParser, ScriptedChat

class Parser(InlineParser):
    def __enter__(self):
        return self
    def __exit__(self, *exc):
        self.close()

wiring.build_detector = lambda settings: EmailDetector()
wiring.build_parser = lambda settings, workers=1, bulk=False: Parser()
wiring.build_chat = lambda settings: ScriptedChat()
from api.cli import main
sys.argv = ["veil", *sys.argv[1:]]
main()
"""


def veil(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VEIL_")}
    env |= {"VEIL_DATA_DIR": str(data_dir), "VEIL_EMBEDDING__KIND": "hashing", "VEIL_EMBEDDING__DIM": "64"}
    proc = subprocess.run([sys.executable, "-c", VEIL_WITH_FAKES, *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc


def modes(data_dir: Path) -> dict[str, int]:
    return {str(p.relative_to(data_dir)): stat.S_IMODE(p.lstat().st_mode) for p in [data_dir, *data_dir.rglob("*")]}


def test_what_veil_writes_is_its_owners_only(tmp_path):
    data_dir = tmp_path / "data"
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "memo.txt").write_text("Refunds are paid within 14 days. Contact ops@example.com.")
    assert json.loads(veil(data_dir, "config", "show", "--json").stdout)["data_dir"] == str(data_dir)
    report = json.loads(veil(data_dir, "ingest", str(tmp_path / "docs"), "--json").stdout)
    assert report["totals"]["ingested"] == 1
    veil(data_dir, "query", "How fast are refunds paid?")
    veil(data_dir, "keys", "create", "--role", "user")
    found = modes(data_dir)
    expected = {".", "veil.db", "audit.db", "keys/audit.key", "logs/veil.log", "qdrant/.lock", "qdrant/default"}
    assert expected <= found.keys(), sorted(found)
    assert any(name.startswith("qdrant/default/") for name in found)  # the store's own segment files
    opened = {name: oct(mode) for name, mode in found.items() if mode & 0o077}
    assert opened == {}  # no group or other bit on any file or folder
    assert all(mode == 0o700 for name, mode in found.items() if (data_dir / name).is_dir() and name != ".")
    assert found["."] == 0o700


def test_an_existing_data_dir_open_to_others_is_tightened(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir(mode=0o755)
    os.chmod(data_dir, 0o755)
    shown = veil(data_dir, "keys", "list")
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    assert "tightened to 700" in shown.stderr


def test_private_dir_warns_about_a_dir_it_does_not_own(tmp_path, monkeypatch, caplog):
    from core import files

    folder = tmp_path / "shared"
    folder.mkdir()
    os.chmod(folder, 0o750)
    monkeypatch.setattr(files.os, "getuid", lambda: os.stat(folder).st_uid + 1)
    files.private_dir(folder)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o750 and "owned by another user" in caplog.text
    created = files.private_dir(tmp_path / "new" / "data")
    assert stat.S_IMODE(created.stat().st_mode) == 0o700
