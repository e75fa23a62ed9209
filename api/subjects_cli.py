"""`veil subject find | forget | allow`: access and erasure requests about one person.

The values name the person (a name and its variants, an e-mail, a phone, an ID); `-` reads them from
standard input, one a line, which keeps them out of the shell's history and the process list. They are
hashed (keyed) at once and never printed, logged or stored. Imports sit inside the commands, as in
`api.cli`: `veil --help` loads no model."""

from __future__ import annotations

import getpass
import json
import sys
from typing import Annotated

import typer

from api.cli_support import JsonFlag, settings_for_cli, user_errors
from api.schemas.subjects import ErasureMarkOut, SubjectForgotten, SubjectFound
from core.types import Principal

subject_app = typer.Typer(no_args_is_help=True,
                          help="Access and erasure requests about one person (found through keyed hashes).")

Values = Annotated[list[str], typer.Argument(
    help="the person: a name and its variants, an e-mail, a phone, an ID ('-': read them from stdin, one a line)",
    show_default=False)]
Reason = Annotated[str, typer.Option("--reason", help="why (kept in the audit trail, redacted)")]


def cli_principal() -> Principal:
    """The local admin, named with the operator's login so the audit trail says who acted."""
    try:
        login = getpass.getuser()
    except Exception:  # no login name in this environment (a container without a passwd entry)
        login = "unknown"
    return Principal(f"local-admin ({login})", frozenset({"admin"}))


def read_values(values: list[str]) -> list[str]:
    return [line.strip() for line in sys.stdin if line.strip()] if values == ["-"] else values


def _requests(with_redactor: bool):
    """Find and allow need the registry and the audit trail only (no store: they run beside a server)."""
    from api.wiring import build_audit, build_detector, build_redactor, build_registry, build_subjects

    settings = settings_for_cli()
    audit = build_audit(settings)
    redactor = build_redactor(settings, audit, build_detector(settings)) if with_redactor else None
    return build_subjects(audit, build_registry(settings), redactor)


@subject_app.command("find")
@user_errors
def find(values: Values, as_json: JsonFlag = False) -> None:
    """Every document and chunk whose redaction recorded any of the values. Audited, hashes only."""
    found = SubjectFound(documents=_requests(with_redactor=False).find(cli_principal(), read_values(values)))
    if as_json:
        typer.echo(json.dumps(found.model_dump(mode="json"), ensure_ascii=False))
        return
    if not found.documents:
        typer.echo("no document held mentions this person")
    for d in found.documents:
        typer.echo(f"{d.doc_id}  {d.collection}/{d.source}  {len(d.chunks)} chunk(s)  {', '.join(d.labels)}")
        for chunk in d.chunks:
            typer.echo(f"    chunk {chunk}")


@subject_app.command("forget")
@user_errors
def forget(values: Values, reason: Reason, as_json: JsonFlag = False) -> None:
    """Remove every document that mentions the person (chunks, vault entries) and keep every ingest from
    writing it again (status `erased`) until `veil subject allow`. Audited: who, when, reason, hashes."""
    from api.cli import _server, local_veil

    settings = settings_for_cli()
    values = read_values(values)
    remote = _server(settings, "erasing")
    if remote is not None:
        result = remote.forget_subject(values, reason)
    else:
        with local_veil(settings) as veil:
            result = SubjectForgotten.model_validate(veil.subjects.forget(cli_principal(), values, reason))
    if as_json:
        typer.echo(json.dumps(result.model_dump(mode="json"), ensure_ascii=False))
        return
    typer.echo(f"erasure request {result.request}: {len(result.documents)} document(s) removed")
    for d in result.documents:
        typer.echo(f"  erased {d.doc_id}  {d.collection}/{d.source}  {d.chunks} chunk(s)")


@subject_app.command("allow")
@user_errors
def allow(doc_id: Annotated[str, typer.Argument(help="an erased document's id (`veil subject forget` lists it)")],
          reason: Reason, as_json: JsonFlag = False) -> None:
    """Lift a document's erasure mark: the next ingest of its file writes it again. Audited."""
    mark = ErasureMarkOut.model_validate(_requests(with_redactor=True).allow(cli_principal(), doc_id, reason))
    if as_json:
        typer.echo(json.dumps(mark.model_dump(mode="json"), ensure_ascii=False))
    else:
        typer.echo(f"allowed {mark.doc_id} ({mark.collection}/{mark.source}) again: the next ingest of its file "
                   "writes it")
