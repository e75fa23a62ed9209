"""The README's promises: two commands, the same test command in CI, the documented CLI exists."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_two_commands_are_make_targets_and_ci_runs_the_test_one():
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"## Two commands.*?```bash\n(.*?)```", readme, re.S).group(1)
    commands = [line.split("#")[0].strip() for line in block.splitlines() if line.strip()]
    assert commands == ["make run", "make test"]
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^run: install\n", makefile, re.M) and re.search(r"^test: install\n", makefile, re.M)
    assert "veil ingest examples/documents" in makefile and "veil serve" in makefile
    assert (ROOT / ".ci" / "run").read_text().strip().endswith("make test")


def test_every_documented_command_has_help():
    for command in (["ingest"], ["query"], ["export"], ["serve"], ["config", "show"], ["audit", "verify"],
                    ["audit", "search"], ["audit", "report"], ["eval", "redaction"], ["eval", "answers"], ["eval", "retrieval"], ["vault", "reveal"],
                    ["subject", "find"], ["subject", "forget"], ["subject", "allow"],
                    ["keys", "create"], ["keys", "list"], ["keys", "revoke"], ["reindex"]):
        out = subprocess.run([sys.executable, "-m", "api", *command, "--help"], cwd=ROOT,
                             capture_output=True, text=True)
        assert out.returncode == 0 and "Usage" in out.stdout, (command, out.stderr)
