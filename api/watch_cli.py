"""`veil watch DIR`, and the watcher thread `veil serve --watch DIR` runs beside the API.

Imports sit in the functions, as in `api.cli`: `veil --help` loads no model."""

from __future__ import annotations

import json
import os
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from api.cli_support import JsonFlag, settings_for_cli, user_errors
from core.errors import VeilError

if TYPE_CHECKING:
    from api.wiring import Veil
    from ingest.pipeline import FileResult
    from ingest.watch import FolderWatch


SettleOpt = Annotated[float, typer.Option(
    "--settle", min=0.05, help="seconds a file's size and time must stay unchanged before it is read")]


@user_errors
def watch(
    folder: Annotated[Path, typer.Argument(help="the folder to follow (recursive; links are not followed)")],
    collection: Annotated[Optional[str], typer.Option("--collection", "-c", help="collection name")] = None,
    groups: Annotated[Optional[list[str]], typer.Option(
        "--groups", "-g", help="a group allowed to read these documents (repeatable; default: everyone)")] = None,
    workers: Annotated[Optional[int], typer.Option(
        "--workers", "-w", min=1, help="parsing worker processes (default: one per core)")] = None,
    settle: SettleOpt = 1.0,
    as_json: JsonFlag = False,
) -> None:
    """Keep a collection in step with a folder until Ctrl-C: first what changed since the last run (as
    `veil ingest DIR --sync`), then each new, changed or deleted file once it has settled, one line per
    file (--json: one JSON object per line). With `veil serve` running, use `veil serve --watch DIR`."""
    from api.cli import local_veil
    from api.server_info import running_server
    from ingest.names import collection_name, reader_groups

    settings = settings_for_cli()
    name = collection_name(collection or settings.default_collection)
    readers = reader_groups(groups or [])
    if not folder.is_dir():
        raise VeilError(f"not a folder: {folder}")
    if running := running_server(settings.data_dir):
        raise VeilError(f"veil serve (pid {running[0]}) holds the store in {settings.data_dir}: "
                        f"stop it and run `veil serve --watch {folder}` instead")
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    with local_veil(settings) as veil, watching(veil, [folder], name, readers, workers, settle,
                                                  result_printer(as_json)) as watchers:
        typer.echo(f"watching {', '.join(str(w.folder) for w in watchers)} into collection {name} "
                   f"(Ctrl-C stops)", err=True)
        stop.wait()
    typer.echo("stopped watching", err=True)


@contextmanager
def watching(veil: Veil, folders: Sequence[Path], collection: str, groups: Sequence[str], workers: int | None,
             settle_s: float, show: Callable[[FileResult], None]) -> Iterator[list[FolderWatch]]:
    """One watcher thread per folder, which first catches up (so a server answers meanwhile); all stopped
    on exit. Caught-up files go through `show` like later ones."""
    from api.wiring import build_parser
    from ingest.bulk import BulkIngest
    from ingest.watch import FolderWatch

    stop = threading.Event()
    with build_parser(veil.settings, workers or os.cpu_count() or 1, bulk=True) as parser:
        bulk = BulkIngest(veil.pipeline, parser, on_result=lambda result, progress: show(result))
        watchers = [FolderWatch(bulk, folder, collection, groups, settle_s) for folder in folders]
        threads = [threading.Thread(target=_serve_logged, args=(w, stop), name=f"veil-watch-{i}", daemon=True)
                   for i, w in enumerate(watchers)]
        for thread in threads:
            thread.start()
        try:
            yield watchers
        finally:
            stop.set()
            for thread in threads:
                thread.join()


def _serve_logged(watcher: FolderWatch, stop: threading.Event) -> None:
    import logging

    try:
        watcher.serve(stop)
    except Exception:  # the thread ends, the process says why; files already done stay done
        logging.getLogger("ingest.watch").exception("watching %s stopped", watcher.folder)


def result_printer(as_json: bool) -> Callable[[FileResult], None]:
    """One line per file: readable on stderr, or a JSON object per line on stdout."""
    from api.ingest_cli import file_line
    from api.schemas.documents import FileResultOut
    from rich.console import Console

    lock = threading.Lock()
    console = Console(stderr=True, soft_wrap=True, highlight=False)

    def show(result: FileResult) -> None:
        with lock:
            if as_json:
                line = FileResultOut.model_validate(result).model_dump(mode="json")
                typer.echo(json.dumps(line, ensure_ascii=False))
            else:
                console.print(file_line(result), markup=True)

    return show
