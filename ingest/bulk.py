"""Bulk ingest of folders: parsing in worker processes, embedding batched across files, crash-safe writes.

The parent reads and hashes each file (an unchanged file costs one hash and nothing else), hands the
changed ones to the parsing workers, which also run redaction's detection when the parser was built to
(`SandboxedParser(redaction=…)`, `parsing.detect_in_workers`); a redaction thread finishes the redaction
(the document pass, placeholders) and chunks what comes back in batches of several files, and a writer thread embeds the chunks of several files in one batch and writes each
document through the journal (`IngestPipeline.write`). At most `4 × workers` files are being parsed,
collected as each finishes (a slow file, a scan or a large e-book, never keeps a free worker waiting
behind it), and two batches wait before each thread, so memory does not grow with the folder. `sync` then removes the
documents of files that are gone from each folder given, and reports every document of the
collection still redacted under another policy than the collection's (`unreachable`: its source was
not among the paths given, so it could not be redacted again; it keeps its published version).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass, field
from pathlib import Path

from core import ids
from core.errors import VeilError
from ingest.base import ParsedFile
from ingest.names import collection_name, reader_groups
from ingest.pipeline import DEFAULT_GROUPS, FileResult, IngestPipeline, IngestReport, Incoming, PreparedDocument
from ingest.sandbox import SandboxedParser
from ingest.sources import SourceFile, folder_id, iter_sources, read_source
from redaction.source_names import SourceName

log = logging.getLogger(__name__)

IN_FLIGHT_PER_WORKER = 4  # files parsed ahead, so workers never wait for the redaction
REDACT_BATCH_CHARS = 50_000  # parsed text of several files redacted together (NER batches small files well)
EMBED_BATCH_CHUNKS = 256  # chunks of several files embedded together


@dataclass
class Progress:
    """What the progress bar shows."""

    total: int
    done: int = 0
    chunks: int = 0
    started: float = field(default_factory=time.monotonic)

    @property
    def files_per_s(self) -> float:
        elapsed = time.monotonic() - self.started
        return self.done / elapsed if elapsed > 0 else 0.0


@dataclass
class StageTimes:
    """Seconds the parent spent in each stage (parsing, and detection where the workers detect, run in
    the workers: `SandboxedParser.parse_seconds` and `detect_seconds`)."""

    read_and_hash: float = 0.0
    waiting_for_parsers: float = 0.0
    redact_and_chunk: float = 0.0
    embed: float = 0.0
    write: float = 0.0
    chars: int = 0  # parsed text, before redaction

    def as_dict(self) -> dict:
        return {k: round(v, 3) if isinstance(v, float) else v for k, v in self.__dict__.items()}


@dataclass(frozen=True)
class _InFlight:
    source: SourceFile
    incoming: Incoming
    future: Future


def _first_done(in_flight: list[_InFlight]) -> _InFlight:
    """Removes and returns a file whose parse has finished, waiting for one when none has."""
    done = next((item for item in in_flight if item.future.done()), None)
    if done is None:
        wait([item.future for item in in_flight], return_when=FIRST_COMPLETED)
        done = next(item for item in in_flight if item.future.done())
    in_flight.remove(done)
    return done


class BulkIngest:
    def __init__(self, pipeline: IngestPipeline, parser: SandboxedParser,
                 on_result: Callable[[FileResult, Progress], None] | None = None) -> None:
        self._pipeline, self._parser = pipeline, parser
        self._on_result = on_result or (lambda result, progress: None)
        self.times = StageTimes()
        self._warming: threading.Thread | None = None

    def run(self, paths: Sequence[Path], collection: str, groups: Sequence[str] = DEFAULT_GROUPS,
            sync: bool = False) -> IngestReport:
        """Raises VeilError on a collection or group name Veil cannot store, before anything is written."""
        collection, groups = collection_name(collection), reader_groups(groups)
        self._pipeline.repair()
        progress = Progress(total=sum(1 for _ in iter_sources(paths)))
        results: list[FileResult] = []

        lock = threading.Lock()  # files finish in this thread and in the writer thread

        def finish(result: FileResult) -> None:
            with lock:
                results.append(result)
                progress.done += 1
                progress.chunks += result.chunks
                self._on_result(result, progress)

        seen: set[str] = set()
        self._ingest(iter_sources(paths), collection, groups, finish, seen)
        if sync:
            for folder in (p for p in paths if p.is_dir() and not p.is_symlink()):
                for result in self._remove_missing(folder, collection, seen):
                    results.append(result)
                    self._on_result(result, progress)
            for result in self._unreachable(collection, seen):
                results.append(result)
                self._on_result(result, progress)
        return IngestReport(tuple(sorted(results, key=lambda r: r.path)))

    def run_sources(self, sources: Sequence[SourceFile], collection: str,
                    groups: Sequence[str] = DEFAULT_GROUPS) -> IngestReport:
        """Some files of a folder (`veil watch`: the ones that changed), through the same stages as `run`."""
        collection, groups = collection_name(collection), reader_groups(groups)
        progress = Progress(total=len(sources))
        results: list[FileResult] = []
        lock = threading.Lock()

        def finish(result: FileResult) -> None:
            with lock:
                results.append(result)
                progress.done += 1
                self._on_result(result, progress)

        self._ingest(sources, collection, groups, finish, set())
        return IngestReport(tuple(sorted(results, key=lambda r: r.path)))

    def remove_missing(self, folder: Path, collection: str) -> IngestReport:
        """The documents of `folder` whose file is gone (walks the folder; reads nothing)."""
        present = {ids.document_id(collection, s.source_key) for s in iter_sources([folder])}
        results = self._remove_missing(folder, collection_name(collection), present)
        for result in results:
            self._on_result(result, Progress(total=len(results)))
        return IngestReport(tuple(sorted(results, key=lambda r: r.path)))

    def _ingest(self, sources: Iterable[SourceFile], collection: str, groups: Sequence[str],
                finish: Callable[[FileResult], None], seen: set[str]) -> None:
        """Files flow through three threads: this one reads, hashes, hands files to the parsing workers and
        collects them; the redaction thread redacts and chunks several files at once; the writer thread
        embeds several files' chunks at once and writes. So the workers never wait while a batch is
        redacted, and redaction never waits while one is embedded."""
        in_flight: list[_InFlight] = []
        parsed: list[tuple[_InFlight, ParsedFile]] = []
        ready: list[tuple[PreparedDocument, str | None]] = []  # the redaction thread's, until the end
        limit = IN_FLIGHT_PER_WORKER * self._parser.workers
        writer = _Stage(lambda batch: self._write(batch, finish), "veil-ingest-writer")

        def redact(batch: list) -> None:  # in the redaction thread
            ready.extend(self._prepare(batch, finish))
            if sum(len(d.chunks) for d, _ in ready) >= EMBED_BATCH_CHUNKS:
                writer.put(list(ready))
                ready.clear()

        redactor = _Stage(redact, "veil-ingest-redactor")

        def collect_one() -> None:
            started = time.perf_counter()
            item = _first_done(in_flight)
            self.times.waiting_for_parsers += time.perf_counter() - started
            self._collect(item, parsed, finish)
            if sum(len(e.text) for _, file in parsed for e in file.elements) >= REDACT_BATCH_CHARS:
                redactor.put(list(parsed))
                parsed.clear()

        try:
            try:
                for source in sources:
                    try:
                        started = self._start(source, collection, groups, finish, seen)
                    except Exception as exc:  # whatever one file does, the batch goes on
                        finish(self._pipeline.failed(source.name, exc))
                        continue
                    if started is not None:
                        in_flight.append(started)
                    while len(in_flight) >= limit or any(item.future.done() for item in in_flight):
                        collect_one()
                while in_flight:
                    collect_one()
                redactor.put(list(parsed))
            finally:
                redactor.close()
            writer.put(list(ready))
        finally:
            writer.close()
            self._warmed()  # never left running past the run

    def _start(self, source: SourceFile, collection: str, groups: Sequence[str],
               finish: Callable[[FileResult], None], seen: set[str]) -> _InFlight | None:
        seen.add(ids.document_id(collection, source.source_key))  # a file that fails is still there
        started = time.perf_counter()
        try:
            data = read_source(source, self._pipeline.max_file_bytes)
        except VeilError as exc:
            finish(FileResult(source.name, "failed", error=str(exc)))
            return None
        checked = self._pipeline.check(data, source.name, source.source_key, collection, groups)
        self.times.read_and_hash += time.perf_counter() - started
        if isinstance(checked, FileResult):
            finish(checked)
            return None
        filename = Path(source.name).name
        if self._parser.detects:  # the name is redacted with its body: its texts go last
            future = self._parser.submit_detected(data, filename, SourceName(checked.name).texts())
        else:
            future = self._parser.submit(data, filename)
        submitted = _InFlight(source, checked, future)
        self._warm_up_once()
        return submitted

    def _warm_up_once(self) -> None:
        """Once a file needs work: load the redaction and embedding models while the parsing workers
        start and parse (a cold run would otherwise wait for the first parse, then for the models).
        A run where every file is unchanged loads nothing."""
        if self._warming is None:
            self._warming = threading.Thread(target=self._warm_up_quietly, name="veil-warm-up", daemon=True)
            self._warming.start()

    def _warm_up_quietly(self) -> None:
        try:
            self._pipeline.warm_up(detection=not self._parser.detects)
        except Exception:  # the same error is met, and reported per file, by the first redaction
            log.debug("warm-up failed", exc_info=True)

    def _warmed(self) -> None:
        if self._warming is not None:
            self._warming.join()

    def _collect(self, item: _InFlight, parsed: list, finish: Callable[[FileResult], None]) -> None:
        """A parse result in (detected too, where the workers detect): it joins the redaction batch, or the file fails."""
        started = time.perf_counter()
        try:
            parsed.append((item, self._parser.result(item.future)))
        except Exception as exc:  # one broken file never stops the batch
            finish(self._pipeline.failed(item.source.name, exc, item.incoming.doc_id))
        self.times.waiting_for_parsers += time.perf_counter() - started

    def _prepare(self, parsed: list, finish: Callable[[FileResult], None]) -> list[tuple[PreparedDocument, str | None]]:
        """Redact and chunk the parsed files together (one detection batch, unless the workers detected)."""
        if not parsed:
            return []
        self._warmed()  # the models are whole before the redaction uses them
        started = time.perf_counter()
        ready = []
        prepared = self._pipeline.prepare_many([(item.incoming, file) for item, file in parsed])
        for (item, file), document in zip(parsed, prepared):
            if isinstance(document, Exception):
                finish(self._pipeline.failed(item.source.name, document, item.incoming.doc_id))
            else:
                ready.append((document, item.source.folder_id))
                self.times.chars += sum(len(e.text) for e in file.elements)
        self.times.redact_and_chunk += time.perf_counter() - started
        return ready

    def _write(self, ready: list[tuple[PreparedDocument, str | None]], finish: Callable[[FileResult], None]) -> None:
        """In the writer thread: embed the batch, then write each document."""
        if not ready:
            return
        documents = [d for d, _ in ready]
        started = time.perf_counter()
        try:
            batch = self._pipeline.embed_all(documents)
        except Exception as exc:
            for document, _ in ready:
                finish(self._pipeline.failed(document.info.source, exc, document.info.doc_id))
            return
        embedded = time.perf_counter()
        self.times.embed += embedded - started
        for (document, folder), doc_vectors in zip(ready, batch.vectors):
            try:
                finish(self._pipeline.write(document, doc_vectors, folder, embedded_with=batch.identity))
            except Exception as exc:
                finish(self._pipeline.failed(document.info.source, exc, document.info.doc_id))
        self.times.write += time.perf_counter() - embedded

    def _remove_missing(self, folder: Path, collection: str, seen: set[str]) -> list[FileResult]:
        """`--sync`: documents last ingested from this folder whose file is gone."""
        out = []
        for info in self._pipeline.documents_in_folder(folder_id(folder), collection):
            if info.doc_id not in seen:
                self._pipeline.delete(collection, info.doc_id)
                out.append(FileResult(info.source, "deleted", doc_id=info.doc_id))
        return out

    def _unreachable(self, collection: str, seen: set[str]) -> list[FileResult]:
        """`--sync` after a policy change: documents it could not redact again, never dropped in silence.
        (A file that was read but failed is reported `failed` and keeps its version too.)"""
        policy = self._pipeline.policy_of(collection)
        return [FileResult(info.source, "unreachable", doc_id=info.doc_id,
                           error=f"redacted under policy {info.policy}, the collection's is now {policy.label}: "
                                 "its source is not among the paths given; ingest its file again")
                for info in self._pipeline.under_other_policy(collection) if info.doc_id not in seen]


class _Stage:
    """One stage of the ingest in its own thread (redaction; embedding and writing): the caller hands it
    batches and goes on (torch, onnxruntime and the parsing workers run outside the GIL). At most two
    batches wait: memory stays bounded. An error ends the stage and is raised again in the caller."""

    _DONE = object()

    def __init__(self, work: Callable[[list], None], name: str) -> None:
        self._work, self._queue = work, queue.Queue(maxsize=2)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def put(self, batch: list) -> None:
        if self._error is not None:
            raise self._error
        if batch:
            self._queue.put(batch)

    def close(self) -> None:
        self._queue.put(self._DONE)
        self._thread.join()
        if self._error is not None:
            raise self._error

    def _run(self) -> None:
        while (batch := self._queue.get()) is not self._DONE:
            if self._error is None:
                try:
                    self._work(batch)
                except BaseException as exc:  # raised again in the caller's thread
                    self._error = exc
