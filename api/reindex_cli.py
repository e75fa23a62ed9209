"""`veil reindex`: re-embed a collection from its stored chunks (`ingest.reindex`).

Imports sit inside the commands, as in `api.cli`: `veil --help` loads no model."""

from __future__ import annotations

import json
import time
from typing import Annotated, Optional

import typer

from api.cli_support import JsonFlag, settings_for_cli, user_errors
from core.errors import ConfigError
from core.settings import Settings

EMBEDDER_HELP = ("the target embedder: torch[:MODEL_DIR] (sentence-transformers; default the packaged "
                 "all-MiniLM-L6-v2), onnx[:MODEL_DIR] (its int8 ONNX export) or hashing[:DIM]; "
                 "default: the configured embedding")
PROGRESS_EVERY_S = 1.0


@user_errors
def reindex(
    collection: Annotated[Optional[str], typer.Option("--collection", "-c", help="collection name")] = None,
    embedder: Annotated[Optional[str], typer.Option("--embedder", help=EMBEDDER_HELP)] = None,
    as_json: JsonFlag = False,
) -> None:
    """Re-embed a collection from its stored, redacted chunks (no source files) into a staged version, then
    publish it in one step: searches keep working meanwhile, a crash leaves the old version live, and running
    the command again resumes. Progress on stderr."""
    from api.cli import local_veil
    from api.wiring import build_embedder
    from ingest.reindex import Reindexer

    settings = settings_for_cli()
    name = collection or settings.default_collection
    target = build_embedder(embedding_settings(settings, embedder))
    with local_veil(settings) as veil:
        report = Reindexer(veil.pipeline, veil.store, target, veil.lock, on_progress=_progress_printer()).run(name)
    if as_json:
        typer.echo(json.dumps(report.as_dict()))
    else:
        typer.echo(f"{report.collection}: {report.documents} documents, {report.chunks} chunks re-embedded "
                   f"({report.resumed} resumed) in {report.seconds:.1f} s; now {report.embedder} "
                   f"(was {report.embedded_with})")


def embedding_settings(settings: Settings, spec: str | None) -> Settings:
    """The settings with `embedding` set by a `--embedder` spec (None: unchanged)."""
    if spec is None:
        return settings
    kind, _, arg = spec.partition(":")
    if kind in {"torch", "sentence-transformers"}:
        update = {"kind": "sentence-transformers", "model": arg or None}
    elif kind == "onnx":
        update = {"kind": "onnx", "model": arg or None}
    elif kind == "hashing":
        if arg and not arg.isdigit():
            raise ConfigError(f"--embedder hashing:DIM takes a number of dimensions, not {arg!r}")
        update = {"kind": "hashing", "dim": int(arg or settings.embedding.dim)}
    else:
        raise ConfigError(f"--embedder {spec!r}: use torch[:MODEL_DIR], onnx[:MODEL_DIR] or hashing[:DIM]")
    return settings.model_copy(update={"embedding": settings.embedding.model_copy(update=update)})


def _progress_printer():
    last = [0.0]

    def show(progress) -> None:
        now = time.monotonic()
        if now - last[0] < PROGRESS_EVERY_S and progress.done < progress.documents:
            return
        last[0] = now
        typer.echo(f"reindex {progress.collection}: {progress.done}/{progress.documents} documents, "
                   f"{progress.chunks} chunks embedded, {progress.skipped} resumed, "
                   f"{now - progress.started:.0f} s", err=True)

    return show
