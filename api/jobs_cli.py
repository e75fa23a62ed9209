"""`veil jobs status ID` and `veil worker`: the queue path's commands (`veil ingest --queue` enqueues).

Imports sit inside the commands, as in `api.cli`: `veil --help` loads no model."""

from __future__ import annotations

import json
import signal
import threading
from typing import TYPE_CHECKING, Annotated

import typer

from api.cli_support import JsonFlag, settings_for_cli, user_errors
from core.errors import NotFoundError
from core.settings import url_shown

if TYPE_CHECKING:
    from api.schemas.jobs import JobOut

jobs_app = typer.Typer(no_args_is_help=True, help="Jobs of `veil ingest --queue`: progress per file.")


@jobs_app.command("status")
@user_errors
def status(job: Annotated[str, typer.Argument(help="the id `veil ingest --queue` printed")],
           as_json: JsonFlag = False) -> None:
    """The job's state (queued, running, done), its totals and every file's state. Exit 1 once done with failures."""
    from api.queue_wiring import build_jobs

    from api.schemas.jobs import JobOut

    jobs = build_jobs(settings_for_cli())
    try:
        found = jobs.status(job)
    finally:
        jobs.close()
    if found is None:
        raise NotFoundError(f"no job {job}")
    body = JobOut.model_validate(found)
    if as_json:
        typer.echo(json.dumps(body.model_dump(mode="json")))
    else:
        _print_status(body)
    if body.state == "done" and body.totals["failed"]:
        raise typer.Exit(1)


def _print_status(body: JobOut) -> None:
    """A `JobOut` for people: the totals, then every file a worker has taken."""
    totals = body.totals
    counts = ", ".join(f"{n} {name}" for name, n in totals.items() if n and name not in {"files", "chunks"})
    typer.echo(f"job {body.job}: {body.state} - {totals['files']} files ({counts}), {totals['chunks']} chunks")
    for f in body.files:
        if f.state != "queued":
            detail = f.error or (f"{f.chunks} chunks" if f.chunks else "")
            if f.state == "running":
                detail = f"on {f.worker} (attempt {f.attempts})"
            typer.echo(f"  {f.index:>5}  {f.state:<9} {f.file or ''}  {detail}".rstrip())


def worker(concurrency: Annotated[int, typer.Option(
        "--concurrency", "-c", min=1, help="files this worker processes at once (parsing processes, task threads)")] = 2,
) -> None:
    """Run a queue worker until SIGTERM or Ctrl-C: parse, redact and embed queued files, then write them
    (Qdrant server) or hand them to `veil serve` (embedded store)."""
    from api.logs import configure_logging
    from api.queue_wiring import QueueWorker

    settings = settings_for_cli()
    configure_logging(settings.data_dir, settings.log_level, console_level="INFO")
    running = QueueWorker(settings, concurrency)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    typer.echo("veil worker: loading models...", err=True)
    running.run(stop, ready=lambda: typer.echo(
        f"veil worker: ready, {concurrency} files at a time from {url_shown(settings.queue.url or '')}", err=True))
