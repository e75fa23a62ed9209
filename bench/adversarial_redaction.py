"""Adversarial redaction benchmark: crafted inputs beside ordinary prose of the same size, same run.

    .venv/bin/python bench/adversarial_redaction.py [--sizes 16000,100000] [--runs 3] [--big] [--json]

Redaction cost must be linear in the input: no crafted text (punctuation pairs repeated, long runs
without spaces, digit runs, combining characters, lines of e-mail and code fragments) may take much
longer than prose of its size. Each run redacts prose, then every crafted shape, through the
document path ingest uses (`redact_documents`, one element per paragraph) with Veil's redactor as
the app wires it; the report gives median seconds and the median of the per-run ratios to prose.
`--big` adds 1 MB inputs (a single line of prose, and a 1 MB run of `a.`), one run each by default.
The prose comes from a fixed template of invented sentences (seeded), never from a dataset.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.offline import harden_environment  # noqa: E402

harden_environment()

from api.wiring import build_audit, build_detector, build_redactor, throwaway_settings  # noqa: E402
from core.settings import load_settings  # noqa: E402
from redaction.deadline import RedactionTimeout  # noqa: E402

_SENTENCES = (
    "Margaret Olsen walked to the old mill on Tuesday and found the river higher than expected.",
    "The committee agreed that the new library in Eastbrook would open in the spring.",
    "Several families brought bread, apples and warm soup to the harvest supper.",
    "Dr. Tobias Renner reviewed the notes with the nursing team before the afternoon round.",
    "After the storm, the council asked residents to report fallen trees by the end of the week.",
    "The orchestra rehearsed the second movement twice, slower each time.",
    "Priya Castell wrote to the housing office about the broken heating on the third floor.",
    "Most of the volunteers had never painted a mural, but the result surprised everyone.",
    "The ferry to Halvik was cancelled, so the delegation took the coastal road instead.",
    "A short report on the water quality of the lake was shared with the school governors.",
    "Nobody remembered who had left the blue umbrella in the reading room.",
    "The bakery on Mill Lane sold out of rye loaves before nine in the morning.",
)


def prose(size: int, seed: int = 7, paragraph: int = 6) -> str:
    """Invented English, paragraphs of `paragraph` sentences, exactly `size` characters."""
    rng, parts, length = random.Random(seed), [], 0
    while length < size:
        para = " ".join(rng.choice(_SENTENCES) for _ in range(paragraph)) + "\n\n"
        parts.append(para)
        length += len(para)
    return "".join(parts)[:size]


def repeated(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def mixed_lines(size: int) -> str:
    """Lines of e-mail-ish and code-ish fragments: "x@ A-1 x@x A-1-1 ..."."""
    line = " ".join(["x@", "A-1", "x@x", "A-1-1", "@x", "1-A"] * 8) + "\n"
    return repeated(line, size)


SHAPES = {
    "a. repeated": lambda n: repeated("a.", n),
    "b. repeated": lambda n: repeated("b.", n),
    "a- repeated": lambda n: repeated("a-", n),
    "'1 ' repeated": lambda n: repeated("1 ", n),
    "1/ repeated": lambda n: repeated("1/", n),
    ":: run": lambda n: repeated(":", n),
    "letters, no spaces": lambda n: repeated("abcdefghijklmnopqrstuvwxyz", n),
    "digit run": lambda n: repeated("0123456789", n),
    "digit groups": lambda n: repeated("55 0123 4567 ", n),
    "combining e\u0301": lambda n: repeated("e\u0301", n),
    "x@ / A-1 lines": mixed_lines,
}
BIG_SHAPES = {
    "prose, one line": lambda n: prose(n).replace("\n", " "),
    "a. repeated": lambda n: repeated("a.", n),
}


def elements(text: str) -> list[str]:
    """What the text parser gives ingest: one element per paragraph."""
    return [p for p in text.split("\n\n") if p.strip()] or [text]


def timed(redactor, text: str) -> float | None:
    started = time.perf_counter()
    try:
        redactor.redact_documents([(elements(text), "bench")])
    except RedactionTimeout:
        return None
    return time.perf_counter() - started


def measure(redactor, shapes: dict, size: int, runs: int) -> list[dict]:
    base_text = prose(size)
    texts = {name: make(size) for name, make in shapes.items()}
    seconds = {name: [] for name in ["prose", *shapes]}
    ratios = {name: [] for name in shapes}
    for _ in range(runs):
        base = timed(redactor, base_text)
        seconds["prose"].append(base)
        for name, text in texts.items():
            took = timed(redactor, text)
            seconds[name].append(took)
            ratios[name].append(took / base if took is not None and base else None)
    rows = [{"shape": "prose", "size": size, "seconds": _median(seconds["prose"]), "ratio": 1.0}]
    rows += [{"shape": name, "size": size, "seconds": _median(seconds[name]), "ratio": _median(ratios[name])}
             for name in shapes]
    return rows


def _median(values: list) -> float | None:
    """None (past the deadline) counts as slower than any time."""
    if any(v is None for v in values):
        finite = sorted(v for v in values if v is not None)
        padded = finite + [float("inf")] * (len(values) - len(finite))
        middle = statistics.median_high(padded)
        return None if middle == float("inf") else middle
    return statistics.median(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="16000,100000", help="characters, comma-separated")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--big", action="store_true", help="also 1 MB inputs (prose on one line, a. repeated)")
    parser.add_argument("--big-runs", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as data_dir:
        settings = throwaway_settings(load_settings(), Path(data_dir))
        detector = build_detector(settings)
        redactor = build_redactor(settings, build_audit(settings), detector)
        redactor.redact(["warm-up: Jane Roe, 12 Main Street"])
        rows = [row for size in map(int, args.sizes.split(","))
                for row in measure(redactor, SHAPES, size, args.runs)]
        if args.big:
            rows += measure(redactor, BIG_SHAPES, 1_000_000, args.big_runs)
    summary = {"runs": args.runs, "big_runs": args.big_runs if args.big else 0,
               "deadline_s": settings.redaction.deadline_s, "rows": rows,
               "worst_ratio": max((r["ratio"] or float("inf")) for r in rows)}
    print(json.dumps(summary, indent=2) if args.json else render(summary))


def render(s: dict) -> str:
    lines = [f"{s['runs']} runs (1 MB: {s['big_runs']}); seconds: median; ratio: median of per-run ratios "
             f"to prose of the same size, measured in the same run",
             f"{'shape':22}{'size':>10}{'seconds':>10}{'ratio to prose':>16}"]
    for r in s["rows"]:
        seconds = "timeout" if r["seconds"] is None else f"{r['seconds']:.2f}"
        ratio = f"past {s['deadline_s']:g} s" if r["ratio"] is None else f"{r['ratio']:.2f}x"
        lines.append(f"{r['shape']:22}{r['size']:>10,}{seconds:>10}{ratio:>16}")
    lines.append(f"worst ratio: {s['worst_ratio']:.2f}x")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
