"""Escalation on ordinary documents: how often an escalation asked for leaves, why the rest stay
home, whether any planted value reaches the closed API, and what a request costs in tokens.

    .venv/bin/python bench/escalation.py [--covid ../shared/data/qa/covid-qa-dev] [--limit 40] [--json]
    .venv/bin/python bench/escalation.py --covid ../shared/data/qa/covid-qa-dev --sets covid-qa --questions 30,31

The real stack (Presidio, the embedder, Qdrant Edge in a temporary data dir, the real
pseudonymiser and egress guard) sends every question with `escalate` to a recording stand-in for
the closed API (`tests/e2e/closed_api.py`, a real HTTP server on loopback). Sets:
- samples: examples/documents with examples/questions.json; planted values examples/planted.json;
- business: tests/data/business, one question per document naming its planted person
  (bench/escalation_questions.json); planted values from its manifest.json;
- covid-qa (with --covid): the COVID-QA dev questions (`qa.jsonl`, first --limit) over the papers
  they ask about (`docs/`); research papers, so it measures false alarms, not leaks. `--questions`
  asks only those (1-based, among the first --limit) over the same papers, to iterate on one.

A planted value "reached the stand-in" when it (or, for an address, its street line or its last
part) occurs case-insensitively in any recorded request body. Tokens per request are the client's
own estimate (characters / 3 + 4 per message: no closed model's tokenizer is at hand). The last
stdout line is the JSON summary.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core.offline import harden_environment  # noqa: E402

harden_environment()

COLLECTION = "bench"


def sample_set() -> dict:
    questions = json.loads((ROOT / "examples" / "questions.json").read_text())
    return {"name": "samples", "docs": ROOT / "examples" / "documents", "files": None,
            "questions": [q["question"] for q in questions],
            "planted": json.loads((ROOT / "examples" / "planted.json").read_text())}


def business_set() -> dict:
    folder = ROOT / "tests" / "data" / "business"
    manifest = json.loads((folder / "manifest.json").read_text())
    questions = json.loads((ROOT / "bench" / "escalation_questions.json").read_text())
    return {"name": "business", "docs": folder, "files": [item["file"] for item in manifest],
            "questions": [q["question"] for q in questions],
            "planted": [{"file": item["file"], **p} for item in manifest for p in item["planted"]]}


def covid_set(folder: Path, limit: int, only: list[int] | None = None) -> dict:
    rows = [json.loads(line) for line in (folder / "qa.jsonl").read_text().splitlines() if line.strip()][:limit]
    asked = [rows[n - 1] for n in only] if only else rows
    return {"name": "covid-qa", "docs": folder / "docs", "files": sorted({r["doc"] for r in rows}),
            "questions": [r["question"] for r in asked], "planted": []}


def leak_probes(item: dict) -> list[str]:
    """As tests/e2e/leaks.py: the value, and for an address its street line and its last part."""
    value = item["value"]
    if item["label"] != "STREET_ADDRESS":
        return [value]
    parts = [p.strip() for p in value.split(",")]
    return [value, parts[0], parts[-1]]


def planted_sent(planted: list[dict], bodies: list[str]) -> list[str]:
    """Probes found as whole words ("Tom" is not sent when "custom" is)."""
    sent = "\n".join(json.loads(b)["messages"][-1]["content"] + "\n" + "\n".join(
        m["content"] for m in json.loads(b)["messages"][:-1]) for b in bodies)
    return sorted({probe for p in planted for probe in leak_probes(p)
                   if re.search(rf"(?<!\w){re.escape(probe)}(?!\w)", sent, re.IGNORECASE)})


def settings_for(data_dir: Path, base_url: str):
    from api.wiring import throwaway_settings
    from core.settings import load_settings

    settings = throwaway_settings(load_settings(), data_dir)
    escalation = settings.escalation.model_copy(update={
        "base_url": base_url, "model": "closed-bench", "api_key": None, "default_policy": "on_request",
        "policies": {}, "daily_escalations": 10**9, "daily_entities": 10**12, "retries": 0, "timeout_s": 30.0})
    return settings.model_copy(update={"escalation": escalation})


def run_set(spec: dict, api, say) -> dict:
    from api.wiring import build_veil

    with tempfile.TemporaryDirectory(prefix="veil-bench-escalation-") as tmp:
        veil = build_veil(settings_for(Path(tmp), api.base_url))
        try:
            started = time.perf_counter()
            paths = [spec["docs"] / f for f in spec["files"]] if spec["files"] else sorted(
                p for p in spec["docs"].iterdir() if p.is_file())
            for path in paths:
                veil.pipeline.ingest_file(path, COLLECTION, path.name)
            say(f"{spec['name']}: ingested {len(paths)} documents in {time.perf_counter() - started:.0f} s")
            return ask_all(veil, spec, api, say)
        finally:
            veil.close()


def ask_all(veil, spec: dict, api, say) -> dict:
    rows, bodies = [], []
    for n, question in enumerate(spec["questions"], start=1):
        before = len(api.requests)
        events_before = sum(1 for _ in veil.audit.events("escalation"))
        answer = veil.answerer.answer(question, COLLECTION, escalate=True)
        sent = [r["body"] for r in api.requests[before:]]
        bodies += sent
        events = list(veil.audit.events("escalation"))[events_before:]
        rows.append(outcome(answer, sent, [e.payload for e in events]))
        if spec.get("show") and answer.route != "external":
            say(f"  stayed local: {question!r}: {answer.reason}")
        if n % 10 == 0 or n == len(spec["questions"]):
            say(f"{spec['name']}: asked {n}/{len(spec['questions'])}")
    return summary(rows, planted_sent(spec["planted"], bodies), len(spec["planted"]))


def outcome(answer, sent: list[str], events: list[dict]) -> dict:
    event = events[-1] if events else {}
    guard = event.get("guard") or {}
    return {"route": answer.route, "reason": answer.reason, "status": event.get("status"),
            "asked": bool(events) or bool(sent), "first": guard.get("first", {}),
            "second": guard.get("second", event.get("entities", {}) if event.get("status") == "blocked" else {}),
            "tokens": [request_tokens(body) for body in sent]}


def request_tokens(body: str) -> int:
    from generation.openai_compat import CHARS_PER_TOKEN

    return sum(len(m["content"]) // CHARS_PER_TOKEN + 4 for m in json.loads(body)["messages"])


def summary(rows: list[dict], leaked: list[str], planted: int) -> dict:
    asked = [r for r in rows if r["asked"]]
    blocked = [r for r in asked if r["status"] == "blocked"]
    tokens = [t for r in rows for t in r["tokens"]]
    return {
        "questions": len(rows),
        "asked": len(asked),  # a question with no relevant passage is answered "none" and never asks
        "escalated": sum(r["route"] == "external" for r in rows),
        "escalated_share": round(sum(r["route"] == "external" for r in asked) / max(1, len(asked)), 3),
        "blocked": len(blocked),
        "blocked_share": round(len(blocked) / max(1, len(asked)), 3),
        "blocked_labels": dict(sum((Counter(r["second"]) for r in blocked), Counter())),
        "pseudonymised_by_guard": dict(sum((Counter(r["first"]) for r in asked), Counter())),
        "requests_with_guard_pseudonyms": sum(bool(r["first"]) for r in asked),
        "other_fallbacks": Counter(_why(r["reason"]) for r in asked
                                   if r["route"] != "external" and r["status"] != "blocked"),
        "planted": planted,
        "planted_sent": leaked,
        "tokens_per_request": {"mean": round(statistics.mean(tokens)) if tokens else 0,
                               "p50": _pct(tokens, 50), "max": max(tokens, default=0)},
    }


def _why(reason: str) -> str:
    return reason.split("(")[0].strip()[:80]


def _pct(values: list[int], q: int) -> int:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, len(ordered) * q // 100)] if ordered else 0


def table(results: dict) -> str:
    lines = ["| set | questions | escalated when asked | blocked (labels) | planted values sent | "
             "tokens per request (mean / max) | guard pseudonyms (requests) |",
             "|---|---|---|---|---|---|---|"]
    for name, r in results.items():
        labels = ", ".join(f"{n} {k}" for k, n in sorted(r["blocked_labels"].items())) or "-"
        first = ", ".join(f"{n} {k}" for k, n in sorted(r["pseudonymised_by_guard"].items())) or "-"
        lines.append(f"| {name} | {r['questions']} | {r['escalated']}/{r['asked']} ({r['escalated_share']:.0%}) | "
                     f"{r['blocked']} ({r['blocked_share']:.0%}; {labels}) | {len(r['planted_sent'])} of "
                     f"{r['planted']} | {r['tokens_per_request']['mean']} / {r['tokens_per_request']['max']} | "
                     f"{first} ({r['requests_with_guard_pseudonyms']}) |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--covid", type=Path, help="the COVID-QA dev folder (qa.jsonl and docs/)")
    parser.add_argument("--limit", type=int, default=40, help="COVID-QA questions to ask (default 40)")
    parser.add_argument("--questions", help="COVID-QA: ask only these, e.g. 30,31 (1-based; same papers)")
    parser.add_argument("--sets", default="samples,business,covid-qa", help="comma-separated subset")
    parser.add_argument("--show", action="store_true", help="print each fallback's reason (stderr)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    from tests.e2e.closed_api import ClosedAPI

    def say(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    wanted = set(args.sets.split(","))
    specs = [s for s in (sample_set(), business_set()) if s["name"] in wanted]
    if args.covid and "covid-qa" in wanted:
        only = [int(n) for n in args.questions.split(",")] if args.questions else None
        specs.append(covid_set(args.covid, args.limit, only))
    for spec in specs:
        spec["show"] = args.show
    api = ClosedAPI()
    try:
        results = {spec["name"]: run_set(spec, api, say) for spec in specs}
    finally:
        api.shutdown()
    if not args.json:
        print(table(results))
    print(json.dumps(results, ensure_ascii=False))


if __name__ == "__main__":
    main()
