"""The `veil` command line. Readable output by default, `--json` for machines; errors are one line.

Each command imports what it needs inside its function: `veil --help`, and commands that only
talk to a running server, then start without loading torch, Presidio, llama.cpp or the store."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional, get_args

import typer

from api.audit_cli import audit_app, eval_app, vault_app
from api.cli_support import JsonFlag, settings_for_cli, user_errors
from api.jobs_cli import jobs_app, worker
from api.keys_cli import keys_app
from api.reindex_cli import reindex
from api.subjects_cli import subject_app
from api.watch_cli import SettleOpt, watch
from core.errors import VeilError
from core.settings import PolicyName, Settings

if TYPE_CHECKING:
    from api.schemas.answers import AnswerOut

app = typer.Typer(no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
                  help="Veil: privacy-preserving RAG. Documents are redacted before they are stored.")
config_app = typer.Typer(no_args_is_help=True, help="Inspect the configuration.")
app.add_typer(config_app, name="config")
app.add_typer(audit_app, name="audit")
app.add_typer(eval_app, name="eval")
app.add_typer(vault_app, name="vault")
app.add_typer(keys_app, name="keys")
app.add_typer(jobs_app, name="jobs")
app.add_typer(subject_app, name="subject")
app.command("worker")(user_errors(worker))
app.command("reindex")(reindex)
app.command("watch")(watch)

@app.callback()
def _private_files() -> None:
    """Every command (`serve` and `worker` included): what Veil writes is readable by its owner only."""
    from core.files import private_umask

    private_umask()


class AnswerMode(str, Enum):
    extractive = "extractive"
    generative = "generative"


PolicyChoice = Enum("PolicyChoice", {name: name for name in get_args(PolicyName)}, type=str)  # redaction.policies
PolicyOpt = Annotated[Optional[PolicyChoice], typer.Option(
    "--policy", help="the collection's redaction policy from now on (default keeps the collection's; "
    "a new collection: default)")]
AllowOpt = Annotated[Optional[list[str]], typer.Option(
    "--allow", help="a term never masked in this collection (repeatable; replaces the list)")]
DenyOpt = Annotated[Optional[list[str]], typer.Option(
    "--deny", help="a term always masked in this collection (repeatable; replaces the list)")]


CollectionOpt = Annotated[Optional[str], typer.Option("--collection", "-c", help="collection name")]


@contextmanager
def local_veil(settings: Settings, console_level: str = "WARNING") -> Iterator:
    from api.logs import configure_logging
    from api.wiring import build_veil
    from core.files import private_dir

    private_dir(settings.data_dir)  # before the log file, the first thing written there
    configure_logging(settings.data_dir, settings.log_level, console_level)
    veil = build_veil(settings)
    try:
        yield veil
    finally:
        veil.close()


def _server(settings: Settings, doing: str):
    from api.auth.principals import read_admin_token
    from api.remote import RemoteVeil
    from api.server_info import running_server

    found = running_server(settings.data_dir)
    if found is None:
        return None
    pid, url = found
    typer.echo(f"veil serve (pid {pid}) holds the store in {settings.data_dir}; {doing} through {url}",
               err=True)
    return RemoteVeil(url, key=os.environ.get("VEIL_API_KEY") or read_admin_token(settings.data_dir))


@app.command()
@user_errors
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="files or folders (recursive; links are not followed)")],
    collection: CollectionOpt = None,
    groups: Annotated[Optional[list[str]], typer.Option(
        "--groups", "-g", help="a group allowed to read these documents (repeatable; default: everyone)")] = None,
    workers: Annotated[Optional[int], typer.Option(
        "--workers", "-w", min=1, help="parsing worker processes (default: one per core)")] = None,
    sync: Annotated[bool, typer.Option(
        "--sync", help="also remove the documents of files that are gone from the folders given")] = False,
    queue: Annotated[bool, typer.Option(
        "--queue", help="enqueue one task per file for `veil worker`s (needs queue.url); prints the job id")] = False,
    policy: PolicyOpt = None,
    allow: AllowOpt = None,
    deny: DenyOpt = None,
    as_json: JsonFlag = False,
) -> None:
    """Parse, redact, chunk, embed and store documents. A broken file never stops the batch; exit code 1
    when any file failed or, with --sync, a document could not be redacted again under a changed policy
    (the summary still lists every file).

    --policy, --allow and --deny state the collection's redaction policy anew (any one of them: the
    policy name, kept when --policy is left out, and both term lists, empty when left out); files are
    then redacted under it, and --sync redacts the collection's other documents again from the folders given."""
    from api.ingest_cli import run_remote_ingest
    from ingest.names import collection_name, reader_groups

    settings = settings_for_cli()
    name = collection_name(collection or settings.default_collection)  # bad names stop the command
    readers = reader_groups(groups or [])  # before any work, and before anything is written
    wanted = _policy_request(policy, allow, deny)  # bad terms stop the command, before any work
    if queue:
        _enqueue(settings, paths, name, readers, sync, as_json, wanted)
        return
    remote = _server(settings, "sending files")
    if remote is not None:
        if sync:
            raise VeilError("--sync needs the store itself: stop `veil serve` and run the command again")
        report = run_remote_ingest(paths, lambda p: remote.ingest_file(p, name, readers, wanted), as_json)
    else:
        with local_veil(settings) as veil:
            if wanted is not None:
                _say_policy(name, veil.pipeline.policies.set(name, **wanted), as_json)
            report = _bulk_ingest(veil, paths, name, readers, workers or os.cpu_count() or 1, sync, as_json)
    totals = report.totals()
    if totals["failed"] or totals["unreachable"]:
        raise typer.Exit(1)


def _policy_request(policy: PolicyChoice | None, allow: list[str] | None, deny: list[str] | None) -> dict | None:
    """The policy the flags ask for, checked (VeilError on a bad term), or None when no flag was given."""
    if policy is None and allow is None and deny is None:
        return None
    from redaction.policies import RedactionPolicy

    RedactionPolicy(policy.value if policy else "default", tuple(allow or ()), tuple(deny or ()))  # checks terms
    return {"name": policy.value if policy else None, "allow": tuple(allow or ()), "deny": tuple(deny or ())}


def _say_policy(collection: str, applied, as_json: bool) -> None:
    if not as_json:
        typer.echo(f"collection {collection}: redaction policy {applied.name} ({len(applied.allow)} allowed, "
                   f"{len(applied.deny)} denied terms)", err=True)


def _enqueue(settings, paths: list[Path], collection: str, groups: tuple[str, ...], sync: bool, as_json: bool,
             wanted: dict | None = None):
    from api.queue_wiring import enqueue_ingest

    if sync:
        raise VeilError("--sync runs in-process only: run it without --queue once the job is done")
    if missing := [str(p) for p in paths if not p.exists() and not p.is_symlink()]:
        raise VeilError(f"no such file or folder: {', '.join(missing)}")
    if wanted is not None:  # in the shared state, before any worker reads the collection's policy
        from api.wiring import build_policies, build_registry

        registry = build_registry(settings)
        try:
            _say_policy(collection, build_policies(settings, registry).set(collection, **wanted), as_json)
        finally:
            registry.close()
    from api.schemas.jobs import JobQueued

    queued = JobQueued.model_validate(enqueue_ingest(settings, paths, collection, groups))
    if as_json:
        typer.echo(json.dumps(queued.model_dump(mode="json")))
    else:
        typer.echo(f"job {queued.job}: {queued.files} files queued; follow it with: veil jobs status {queued.job}")


def _bulk_ingest(veil, paths, collection: str, groups: tuple[str, ...], workers: int, sync: bool, as_json: bool):
    from api.ingest_cli import progress_bar, report_out
    from api.wiring import build_parser
    from ingest.bulk import BulkIngest

    with build_parser(veil.settings, workers, bulk=True) as parser, progress_bar(as_json) as show:
        report = BulkIngest(veil.pipeline, parser, on_result=show).run(paths, collection, groups, sync)
    report_out(report, as_json)
    return report


@app.command()
@user_errors
def query(
    question: Annotated[str, typer.Argument(help="the question")],
    collection: CollectionOpt = None,
    top_k: Annotated[Optional[int], typer.Option("--top-k", "-k", min=1, max=100)] = None,
    no_generate: Annotated[bool, typer.Option("--no-generate", help="retrieve only: show the hits")] = False,
    mode: Annotated[Optional[AnswerMode], typer.Option(
        "--mode", help="extractive (quote the sources) or generative (the local model writes); "
        "default: generation.answer_mode")] = None,
    escalate: Annotated[bool, typer.Option(
        "--escalate", help="ask the closed model (pseudonymised, guarded); the collection's policy decides")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Answer a question from the stored documents, with citations."""
    from api.schemas.answers import AnswerOut

    settings = settings_for_cli()
    name = collection or settings.default_collection
    chosen = mode.value if mode else None
    remote = _server(settings, "asking")
    if remote is not None:
        result = remote.query(question, name, top_k, not no_generate, chosen, escalate)
    else:
        with local_veil(settings) as veil:
            result = AnswerOut.model_validate(veil.answerer.answer(question, name, top_k, not no_generate, chosen,
                                                                   escalate=escalate))
    typer.echo(json.dumps(result.model_dump(mode="json"), ensure_ascii=False) if as_json
               else _readable_answer(result, no_generate))


def _readable_answer(result: AnswerOut, show_text: bool = False) -> str:
    """The answer (`AnswerOut`), then its sources; `[n]` in the answer is source n. Retrieval only shows
    each hit's text."""
    lines = [result.answer] if result.answer else []
    if result.citations:
        lines.append("\nSources:" if lines else "Sources:")
    for n, c in enumerate(result.citations, start=1):
        page = f", page {c.page}" if c.page else ""
        lines.append(f"  [{n}] {c.document}{page} (score {c.score:.2f})")
        if show_text:
            lines.extend(f"      {line}" for line in c.text.splitlines() if line.strip())
    lines.append(f"\nroute: {result.route}" + (f" ({result.mode}: {result.reason})" if result.reason else ""))
    if result.outbound:
        lines.append(f"what left (pseudonymised request, {len(result.outbound)} characters; --json shows it)")
    return "\n".join(lines)


@app.command()
@user_errors
def export(collection: CollectionOpt = None) -> None:
    """Print every stored chunk as JSON lines (text and metadata): exactly what the store holds."""
    from api.schemas.documents import StoredChunkOut

    settings = settings_for_cli()
    name = collection or settings.default_collection
    remote = _server(settings, "exporting")
    if remote is not None:
        for line in remote.export(name):
            sys.stdout.write(line + "\n")
        return
    with local_veil(settings) as veil:
        if name not in veil.store.collections():
            raise VeilError(f"no collection named {name}")
        for chunk in veil.store.iter_chunks(name):
            line = StoredChunkOut.model_validate(chunk).model_dump(mode="json")
            sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")


@app.command()
@user_errors
def serve(
    host: Annotated[Optional[str], typer.Option(help="bind address (default 127.0.0.1)")] = None,
    port: Annotated[Optional[int], typer.Option(help="port (default 8000)")] = None,
    watch_folders: Annotated[Optional[list[Path]], typer.Option(
        "--watch", help="also keep the default collection in step with this folder, as `veil watch` "
        "(repeatable); one line per file in the server's log")] = None,
    settle: SettleOpt = 1.0,
) -> None:
    """Serve the REST API (OpenAPI docs at /docs). Holds the embedded store while it runs."""
    from api.serve import run_server

    settings = settings_for_cli()
    for folder in watch_folders or []:
        if not folder.is_dir():
            raise VeilError(f"--watch: not a folder: {folder}")
    with local_veil(settings, console_level="INFO") as veil:
        run_server(veil, host or settings.api.host, port or settings.api.port, watch_folders or [], settle)


@config_app.command("show")
@user_errors
def config_show(as_json: JsonFlag = False) -> None:
    """Print the effective configuration (defaults, config file, VEIL_* overrides), and under
    `collection_policies` each collection's redaction policy (config file or set by `veil ingest`; deny
    terms counted, never shown)."""
    from core.settings import url_shown

    settings = settings_for_cli()
    values = settings.model_dump(mode="json")  # secrets print as ******
    for section, key in (("store", "url"), ("queue", "url"), ("state", "url"), ("escalation", "base_url")):
        if values[section][key]:  # a URL may carry a password
            values[section][key] = url_shown(values[section][key])
    for entry in values["redaction"]["collections"].values():  # a deny term may be a personal value
        entry["deny"] = f"{len(entry['deny'])} term(s)"
    try:
        values["collection_policies"] = _collection_policies(settings)
    except VeilError as exc:  # the configuration is still shown when the state database cannot be read
        values["collection_policies"] = f"unavailable: {exc}"
    typer.echo(json.dumps(values, indent=None if as_json else 2))


def _collection_policies(settings: Settings) -> list[dict]:
    """Read from the state database where one exists: showing the configuration creates nothing."""
    from api.schemas.audit import PolicyOut
    from api.wiring import build_policies, build_registry

    if not settings.state.url and not (settings.data_dir / "veil.db").is_file():  # nothing stored yet
        from redaction.policies import RedactionPolicy

        return [PolicyOut(collection=name, policy=c.policy, label=c.policy, source="config", allow=list(c.allow),
                          deny_terms=len(c.deny), masked=RedactionPolicy(c.policy).masked_types(
                              settings.redaction.entities)).model_dump(mode="json")
                for name, c in sorted(settings.redaction.collections.items())]
    registry = build_registry(settings)
    try:
        return [PolicyOut.model_validate(v).model_dump(mode="json") for v in build_policies(settings, registry).views()]
    finally:
        registry.close()


def main() -> None:
    from core.files import private_umask

    private_umask()  # also for what runs before a command (typer's own start-up)
    app()
