"""`veil audit` and `veil eval`: the compliance officer's commands.

Imports sit inside the commands, as in `api.cli`: `veil --help` loads no model."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, Optional

import typer

from api import audit_views
from api.cli_support import JsonFlag, settings_for_cli, user_errors
from core.audit import AuditLog

audit_app = typer.Typer(no_args_is_help=True, help="Verify and query the tamper-evident audit log.")
eval_app = typer.Typer(no_args_is_help=True, help="Measure Veil against benchmarks.")
vault_app = typer.Typer(no_args_is_help=True, help="The re-identification vault (off unless enabled).")


def open_audit() -> AuditLog:
    from api.wiring import build_audit

    return build_audit(settings_for_cli())


@audit_app.command("verify")
@user_errors
def verify(as_json: JsonFlag = False) -> None:
    """Check the whole chain; name the first edited, deleted, inserted or reordered event."""
    body = audit_views.verification(open_audit())
    if as_json:
        typer.echo(json.dumps(body.model_dump(mode="json")))
    elif body.ok:
        typer.echo(f"audit log OK: {body.events} events, head {body.head}")
    else:
        typer.echo(f"audit log BROKEN at event {body.first_bad_seq}: {body.problem} "
                   f"({body.events} events verified before it)")
    if not body.ok:
        raise typer.Exit(4)


@audit_app.command("search")
@user_errors
def search(value: Annotated[str, typer.Option("--value", help="the personal value to look for")],
           as_json: JsonFlag = False) -> None:
    """Was this value ever redacted, and where? Matched through its keyed HMAC, never stored in clear."""
    body = audit_views.search(open_audit(), value)
    if as_json:
        typer.echo(json.dumps(body.model_dump(mode="json")))
        return
    if not body.matches:
        typer.echo("never redacted")
    for m in body.matches:
        where = "file name" if m.field == "source" else f"chunk {m.chunk_id}"
        typer.echo(f"{m.ts}  {m.entity_type:<15} {m.source}  {where}  ({m.detector})")


@audit_app.command("report")
@user_errors
def report(document: Annotated[Optional[str], typer.Option("--document", help="document id")] = None,
           as_json: JsonFlag = False) -> None:
    """Redactions by entity type and by detector (one document or all), plus event counts."""
    body = audit_views.report(open_audit(), document)
    if as_json:
        typer.echo(json.dumps(body.model_dump(mode="json")))
        return
    typer.echo(f"{body.redactions} redactions" + (f" in document {document}" if document else ""))
    for title, counts in (("by type", body.by_type), ("by detector", body.by_detector), ("events", body.events)):
        typer.echo(f"\n{title}:")
        for name, n in counts.items():
            typer.echo(f"  {name:<28} {n}")


@eval_app.command("redaction")
@user_errors
def eval_redaction(
    dataset: Annotated[Path, typer.Argument(help="JSON lines: {id, text, spans: [{start, end, label}]}")],
    split: Annotated[str, typer.Option(help="all | dev | heldout (a fixed fifth kept aside)")] = "all",
    limit: Annotated[Optional[int], typer.Option(help="first N records only")] = None,
    errors: Annotated[Optional[Path], typer.Option(
        "--errors", help="write Veil's missed spans and over-redacted stretches here (JSON lines); "
                         "dev sets only: they quote the data")] = None,
    policy: Annotated[str, typer.Option(
        "--policy", help="Veil's redaction policy: default | hipaa-safe-harbor | gdpr | people-only "
                         "(gold spans still count every label: what a policy keeps readable costs recall)")] = "default",
    as_json: JsonFlag = False,
) -> None:
    """Recall per label and precision of Veil's redaction beside vanilla Presidio, in the same run."""
    from redaction.evaluation import compare_with_baseline, load_dataset
    from redaction.policies import RedactionPolicy

    chosen = RedactionPolicy(policy)  # an unknown name stops the command here

    if split not in {"all", "dev", "heldout"}:
        raise typer.BadParameter("split must be all, dev or heldout")
    if errors and split == "heldout":
        raise typer.BadParameter("--errors quotes the data: use it on dev data, never on a held-out split")
    records = load_dataset(dataset, split)[:limit]
    found: list[dict] | None = [] if errors else None
    result = compare_with_baseline(records, settings_for_cli().redaction, errors=found, policy=chosen)
    if errors and found is not None:
        write_private(errors, "".join(json.dumps(e) + "\n" for e in found))
        missed = sum(e["kind"] == "missed" for e in found)
        typer.echo(f"{missed} missed spans and {len(found) - missed} over-redacted stretches written to {errors}",
                   err=True)
    emit(result, as_json, render_redaction_scores)


def emit(result: dict, as_json: bool, render) -> None:
    """One JSON line (the last line of stdout) for machines, the rendered table for people."""
    typer.echo(json.dumps(result) if as_json else render(result))


@eval_app.command("answers")
@user_errors
def eval_answers(
    questions: Annotated[Path, typer.Argument(help='JSON lines: {"question": str, "answers": [str, ...]}')],
    docs: Annotated[Path, typer.Option("--docs", help="folder of documents the questions are asked over")],
    limit: Annotated[Optional[int], typer.Option(help="first N questions only")] = None,
    no_redact: Annotated[bool, typer.Option("--no-redact", help="skip redaction: what it costs the answers")] = False,
    policy: Annotated[str, typer.Option(
        "--policy", help="the throw-away collection's redaction policy: default | hipaa-safe-harbor | gdpr | "
                         "people-only")] = "default",
    as_json: JsonFlag = False,
) -> None:
    """Every answer mode side by side on the same questions, over a throw-away collection of DOCS."""
    from api.eval_answers import evaluate_answers
    from generation.evaluation import load_questions
    from redaction.policies import RedactionPolicy

    RedactionPolicy(policy)  # an unknown name stops the command before any work
    emit(evaluate_answers(settings_for_cli(), load_questions(questions)[:limit], docs, redact=not no_redact,
                          policy=policy), as_json, render_answer_scores)


@eval_app.command("retrieval")
@user_errors
def eval_retrieval(
    beir_dir: Annotated[Path, typer.Argument(help="BEIR folder: corpus.jsonl, queries.jsonl, qrels/SPLIT.tsv")],
    split: Annotated[str, typer.Option(help="qrels split")] = "test",
    limit: Annotated[Optional[int], typer.Option(help="first N judged queries only")] = None,
    no_redact: Annotated[bool, typer.Option("--no-redact", help="skip redaction: what it costs retrieval")] = False,
    as_json: JsonFlag = False,
) -> None:
    """nDCG@10 and recall@100 of dense, BM25 and hybrid search, over a throw-away collection."""
    from dataclasses import replace

    from api.eval_retrieval import evaluate_retrieval
    from retrieval.evaluation import load_beir

    beir = load_beir(beir_dir, split)
    if limit is not None:
        beir = replace(beir, queries=dict(list(beir.queries.items())[:limit]))
    emit(evaluate_retrieval(settings_for_cli(), beir, split, redact=not no_redact), as_json, render_retrieval_scores)


def render_retrieval_scores(result: dict) -> str:
    lines = [f"{result['dataset']} ({result['split']}, {result['queries']} queries, "
             f"{'redacted' if result['redacted'] else 'not redacted'})", f"{'mode':<8}{'nDCG@10':>9}{'R@100':>8}"]
    lines += [f"{m:<8}{result['ndcg@10'][m]:>9.3f}{result['recall@100'][m]:>8.3f}" for m in result["ndcg@10"]]
    lines.append(f"latency ({result['latency_ms']['mode']}): p50 {result['latency_ms']['p50']} ms, "
                 f"p95 {result['latency_ms']['p95']} ms")
    return "\n".join(lines)


def render_answer_scores(result: dict) -> str:
    lines = [f"{result['questions']} questions; default mode: {result['default']}; "
             f"{'redaction policy ' + result['policy'] if result['redacted'] else 'not redacted'}; "
             f"gold readable in the stored chunks: {result['gold_in_store']:.3f}",
             f"{'mode':<12}{'contains gold':>15}{'F1':>8}{'gold in citations':>19}{'idk':>7}{'p50 ms':>9}{'p95 ms':>9}"]
    for mode, m in result["modes"].items():
        lines.append(f"{mode:<12}{m['contains_gold']:>15.3f}{m['f1']:>8.3f}{m['gold_in_citations']:>19.3f}"
                     f"{m['idk_rate']:>7.3f}{m['latency_ms']['p50']:>9.0f}{m['latency_ms']['p95']:>9.0f}")
    return "\n".join(lines)


def write_private(path: Path, text: str) -> None:
    """Readable by its owner only: the report quotes the spans it missed."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)


def render_redaction_scores(result: dict) -> str:
    lines = [f"{name:<17} recall {scores['recall']:.3f}  precision {scores['precision']:.3f}  "
             f"F2 {scores['f2']:.3f}  {scores['chars_per_s']:,} chars/s"
             for name, scores in (("veil", result), ("vanilla presidio", result["baseline"]))]
    lines.append(f"\n{result['records']} records; recall by label (veil / vanilla, support):")
    for label, item in result["per_label"].items():
        base = result["baseline"]["per_label"][label]["recall"]
        flag = "  << below vanilla" if item["recall"] < base else ""
        lines.append(f"  {label:<18} {item['recall']:.3f} / {base:.3f}  ({item['support']}){flag}")
    return "\n".join(lines)


@vault_app.command("reveal")
@user_errors
def vault_reveal(
    doc_id: Annotated[str, typer.Argument(help="document id (veil export shows it)")],
    token: Annotated[str, typer.Argument(help='placeholder, e.g. "<PERSON_1>"')],
    auditor: Annotated[str, typer.Option("--auditor", help="your name: the read is audited under it")],
    reason: Annotated[str, typer.Option("--reason", help="why you need the original value")],
) -> None:
    """Read one original value back. Needs the vault key; the read and its reason are audited."""
    from api.wiring import build_audit, build_detector, build_vault
    from core.errors import VeilError
    from core.types import Principal

    settings = settings_for_cli()
    vault = build_vault(settings, build_audit(settings), build_detector(settings))
    if vault is None:
        raise VeilError("the re-identification vault is off (set VEIL_VAULT__ENABLED=true and VEIL_VAULT__KEY)")
    typer.echo(vault.reveal(Principal(auditor, frozenset({"auditor"})), reason, doc_id, token))
