"""Progress and summary for `veil ingest`, shared by the local (bulk) and the through-the-server paths."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                           TimeRemainingColumn)

from api.schemas.documents import IngestReportOut
from ingest.bulk import Progress as BulkProgress
from ingest.pipeline import FileResult, IngestReport, SourceFile, iter_sources

_MARK = {"ingested": "[green]ingested[/]", "updated": "[cyan]updated[/]", "unchanged": "[dim]unchanged[/]",
         "deleted": "[yellow]deleted[/]", "erased": "[magenta]erased[/]", "failed": "[red]failed[/]",
         "unreachable": "[red]unreachable[/]"}


@contextmanager
def progress_bar(as_json: bool):
    """A live bar on stderr (files done/total, chunks, files/s, ETA); each file's line above it,
    except with --json, where stdout carries the summary and stderr only the bar."""
    console = Console(stderr=True, soft_wrap=True)  # one line per file, also in a pipe or a log
    columns = (TextColumn("ingesting"), BarColumn(), MofNCompleteColumn(), TextColumn("files"),
               TextColumn("{task.fields[chunks]} chunks"), TextColumn("{task.fields[rate]:.2f} files/s"),
               TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("ingest", total=None, chunks=0, rate=0.0)

        def show(result: FileResult, state: BulkProgress) -> None:
            progress.update(task, total=state.total, completed=state.done, chunks=state.chunks, rate=state.files_per_s)
            if not as_json:
                console.print(file_line(result), highlight=False, markup=True)

        yield show


def report_out(report: IngestReport, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(IngestReportOut.model_validate(report).model_dump(mode="json"), ensure_ascii=False))
        return
    t = report.totals()
    console = Console(stderr=True, highlight=False, soft_wrap=True)
    console.print(
        f"{t['files']} files: {t['ingested']} ingested, {t['updated']} updated, {t['unchanged']} unchanged, "
        f"{t['deleted']} deleted, {_erased(t)}{t['failed']} failed; {t['chunks']} chunks, {t['redactions']} redactions"
        + (f"; {t['unreachable']} unreachable (redacted under an earlier policy, kept)" if t["unreachable"] else ""))
    for line in failure_summary(report):
        console.print(line, markup=False)


def _erased(totals: dict[str, int]) -> str:
    """Named only when an erasure request kept files out (`veil subject allow` lets them in again)."""
    return f"{totals['erased']} erased (not ingested: an erasure request), " if totals.get("erased") else ""


def failure_summary(report: IngestReport) -> list[str]:
    """The failed (and unreachable) files again after the summary, by reason (on a large folder their
    lines scrolled away long ago): one heading per reason with its count, then its files."""
    by_reason: dict[tuple[str, str], list[str]] = {}
    for result in report.files:
        if result.status in ("failed", "unreachable"):
            by_reason.setdefault((result.status, result.error or "unknown error"), []).append(result.path)
    lines = []
    for (status, reason), paths in sorted(by_reason.items(), key=lambda item: (-len(item[1]), item[0])):
        lines.append(f"{status} ({len(paths)}): {reason}")
        lines += [f"    {path}" for path in paths]
    return lines


def run_remote_ingest(paths: Sequence[Path], ingest_one: Callable[[SourceFile], FileResult],
                      as_json: bool) -> IngestReport:
    """Through a running server: one upload at a time (the server owns the store)."""
    sources = list(iter_sources(paths))
    state = BulkProgress(total=len(sources))
    results = []
    with progress_bar(as_json) as show:
        for source in sources:
            result = (FileResult(source.name, "failed", error=source.problem) if source.problem
                      else ingest_one(source))
            results.append(result)
            state.done += 1
            state.chunks += result.chunks
            show(result, state)
    report = IngestReport(tuple(results))
    report_out(report, as_json)
    return report


def file_line(result: FileResult) -> str:
    from rich.markup import escape

    detail = f"{result.chunks} chunks" if result.status in ("ingested", "updated") else (result.error or "")
    if result.status == "erased":
        detail = f"erased on request: not ingested (veil subject allow {result.doc_id} lets it in)"
    return f"{_MARK[result.status]} {escape(result.path)}  {escape(detail)}"
