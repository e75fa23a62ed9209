"""Redaction benchmark: Veil beside vanilla Presidio, same run, several runs, medians and ratios.

    .venv/bin/python bench/redaction.py ../shared/data/pii/presidio-synth.jsonl --runs 3 [--split heldout]

Quality is deterministic (reported once); speed is noisy on shared machines, so each run times both
detectors on alternating batches and the report gives the median of the per-run ratios.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.offline import harden_environment  # noqa: E402

harden_environment()

from core.settings import load_settings  # noqa: E402
from redaction.evaluation import compare_with_baseline, load_dataset  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--split", choices=["all", "dev", "heldout"], default="all")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    records = load_dataset(args.dataset, args.split)
    settings = load_settings().redaction
    runs = [compare_with_baseline(records, settings) for _ in range(args.runs)]
    first = runs[0]
    summary = {
        "records": first["records"], "split": args.split, "runs": args.runs,
        "veil": {k: first[k] for k in ("recall", "precision", "f2")},
        "vanilla": {k: first["baseline"][k] for k in ("recall", "precision", "f2")},
        "veil_chars_per_s_median": statistics.median(r["chars_per_s"] for r in runs),
        "vanilla_chars_per_s_median": statistics.median(r["baseline"]["chars_per_s"] for r in runs),
        "speedup_median": statistics.median(r["speedup"] for r in runs),
        "per_label_recall": {label: (v["recall"], first["baseline"]["per_label"][label]["recall"], v["support"])
                             for label, v in first["per_label"].items()},
    }
    print(json.dumps(summary, indent=2) if args.json else render(summary))


def render(s: dict) -> str:
    lines = [f"{s['records']} records ({s['split']}), {s['runs']} runs",
             f"{'':18}{'recall':>8}{'precision':>11}{'F2':>7}{'chars/s (median)':>18}"]
    for name, key in (("veil", "veil_chars_per_s_median"), ("vanilla presidio", "vanilla_chars_per_s_median")):
        q = s["veil" if name == "veil" else "vanilla"]
        lines.append(f"{name:18}{q['recall']:8.3f}{q['precision']:11.3f}{q['f2']:7.3f}{s[key]:18,.0f}")
    lines.append(f"speed ratio veil/vanilla (median of runs): {s['speedup_median']:.2f}x")
    lines.append("recall by label (veil / vanilla, support):")
    lines += [f"  {label:18}{v:.3f} / {b:.3f}  ({n})" for label, (v, b, n) in s["per_label_recall"].items()]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
