"""Planted-value benchmark: a folder of documents and a manifest of the personal values planted in
them and the facts a reader needs. Parses each file with Veil's parser, redacts it as one document
(Veil, and vanilla Presidio beside it) and reports what stays readable.

    .venv/bin/python bench/planted.py tests/data/business [--json] [--show]

Manifest (`manifest.json` in the folder): [{"file", "genre", "planted": [{"label", "value"}], "facts": [str]}].
A planted value leaks when it is still readable (case-insensitive) in the redacted text; a fact
survives when it is.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.offline import harden_environment  # noqa: E402

harden_environment()


def redacted_documents(folder: Path, manifest: list[dict]) -> dict[str, dict[str, str]]:
    """file -> {"veil": redacted text, "vanilla": redacted text}."""
    from core.settings import load_settings
    from ingest.unstructured_parser import UnstructuredParser
    from redaction.presidio import PresidioDetector, VanillaPresidio
    from redaction.redactor import DocumentRedactor
    from redaction.transform.operators import ReplacementPolicy

    settings = load_settings()
    parser = UnstructuredParser(settings.parsing)
    veil = DocumentRedactor(PresidioDetector(settings.redaction), ReplacementPolicy())
    vanilla = VanillaPresidio(settings.redaction)
    out = {}
    for item in manifest:
        path = folder / item["file"]
        texts = [e.text for e in parser.parse(path.read_bytes(), path.name)]
        out[item["file"]] = {"veil": "\n".join(r.text for r in veil.redact(texts)),
                             "vanilla": "\n".join(_blank(t, rs) for t, rs in zip(texts, vanilla.ranges(texts)))}
    return out


def _blank(text: str, ranges) -> str:
    chars = list(text)
    for start, end in ranges:
        chars[start:end] = "█" * (end - start)
    return "".join(chars)


def score(manifest: list[dict], documents: dict[str, dict[str, str]], system: str) -> dict:
    leaks, lost = [], []
    by_genre: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # leaked, planted, kept facts, facts
    for item in manifest:
        text = documents[item["file"]][system].lower()
        genre = by_genre[item["genre"]]
        for planted in item["planted"]:
            leaked = planted["value"].lower() in text
            genre[0] += leaked
            genre[1] += 1
            if leaked:
                leaks.append({"file": item["file"], **planted})
        for fact in item["facts"]:
            kept = fact.lower() in text
            genre[2] += kept
            genre[3] += 1
            if not kept:
                lost.append({"file": item["file"], "fact": fact})
    totals = [sum(g[i] for g in by_genre.values()) for i in range(4)]
    return {"planted": totals[1], "leaked": totals[0], "leak_rate": round(totals[0] / max(1, totals[1]), 4),
            "facts": totals[3], "facts_kept": round(totals[2] / max(1, totals[3]), 4),
            "per_genre": {g: {"leaked": v[0], "planted": v[1], "facts_kept": round(v[2] / max(1, v[3]), 3)}
                          for g, v in sorted(by_genre.items())},
            "leaks": leaks, "lost_facts": lost}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--show", action="store_true", help="list each leak and each lost fact (stderr)")
    args = parser.parse_args()
    manifest = json.loads((args.folder / "manifest.json").read_text())
    documents = redacted_documents(args.folder, manifest)
    results = {system: score(manifest, documents, system) for system in ("veil", "vanilla")}
    if args.show:
        for item in results["veil"]["leaks"] + results["veil"]["lost_facts"]:
            print(json.dumps(item, ensure_ascii=False), file=sys.stderr)
    summary = {s: {k: v for k, v in r.items() if k not in ("leaks", "lost_facts")} for s, r in results.items()}
    print(json.dumps(summary) if args.json else json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
