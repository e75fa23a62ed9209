"""Parse every file under a folder with Veil's parser: per-file status, element count and seconds, then totals.

    .venv/bin/python bench/parse_corpus.py ../shared/data/docs [--ocr auto|always|never] [--json]

Only the parser runs (no redaction, nothing stored); what it prints is the file's folder-relative name,
never its text. A failure's reason is the parser's own message (a VeilError, written to be safe).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.offline import harden_environment  # noqa: E402

harden_environment()


def parse_all(folder: Path, ocr: str | None) -> list[dict]:
    from core.errors import VeilError
    from core.settings import load_settings
    from ingest.unstructured_parser import UnstructuredParser

    settings = load_settings().parsing
    if ocr:
        settings = settings.model_copy(update={"ocr": ocr})
    parser = UnstructuredParser(settings)
    rows = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        started = time.perf_counter()
        row = {"file": str(path.relative_to(folder)), "status": "ok", "elements": 0, "reason": ""}
        try:
            row["elements"] = len(parser.parse(path.read_bytes(), path.name))
        except VeilError as exc:
            row.update(status="failed", reason=f"{type(exc).__name__}: {exc}")
        except Exception as exc:  # noqa: BLE001 - a parser bug: report its type, never its message
            row.update(status="failed", reason=f"unexpected {type(exc).__name__}")
        row["seconds"] = round(time.perf_counter() - started, 2)
        rows.append(row)
        print(f"{row['status']:6} {row['elements']:5} {row['seconds']:6.2f}s  {row['file']}  {row['reason']}",
              file=sys.stderr, flush=True)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder", type=Path)
    ap.add_argument("--ocr", choices=["auto", "always", "never"], help="override parsing.ocr")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    rows = parse_all(args.folder, args.ocr)
    failed = [r for r in rows if r["status"] == "failed"]
    totals = {"files": len(rows), "ok": len(rows) - len(failed), "failed": len(failed),
              "seconds": round(sum(r["seconds"] for r in rows), 1),
              "reasons": Counter(r["reason"] for r in failed).most_common()}
    if args.json:
        print(json.dumps({"files": rows, "totals": totals}, indent=2))
        return
    print(f"{totals['files']} files: {totals['ok']} ok, {totals['failed']} failed, {totals['seconds']} s parsing")
    slowest = sorted(rows, key=lambda r: -r["seconds"])[:5]
    print("slowest: " + ", ".join(f"{r['file']} {r['seconds']} s" for r in slowest))
    for r in failed:
        print(f"  failed  {r['file']}: {r['reason']}")


if __name__ == "__main__":
    main()
