"""Progress and summary for `veil ingest`, shared by the local and the through-the-server paths."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from api import serialize
from ingest.pipeline import FileResult, IngestReport, SourceFile, iter_sources

_MARK = {"ingested": "[green]ingested[/]", "unchanged": "[dim]unchanged[/]", "failed": "[red]failed[/]"}


def run_ingest(paths: Sequence[Path], ingest_one: Callable[[SourceFile], FileResult], as_json: bool) -> IngestReport:
    files = list(iter_sources(paths))
    console = Console(stderr=True)
    results = []
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console, disable=as_json, transient=True) as progress:
        task = progress.add_task("ingesting", total=len(files))
        for source in files:
            progress.update(task, description=f"ingesting {source.path.name}")
            result = ingest_one(source)
            results.append(result)
            progress.advance(task)
            if not as_json:
                console.print(_line(result), highlight=False)
    report = IngestReport(tuple(results))
    if as_json:
        typer.echo(json.dumps(serialize.ingest_report(report), ensure_ascii=False))
    else:
        t = report.totals()
        console.print(f"{t['files']} files: {t['ingested']} ingested, {t['unchanged']} unchanged, "
                      f"{t['failed']} failed; {t['chunks']} chunks, {t['redactions']} redactions")
    return report


def _line(result: FileResult) -> str:
    detail = f"{result.chunks} chunks" if result.status == "ingested" else (result.error or "")
    return f"{_MARK[result.status]} {result.path}  {detail}"
