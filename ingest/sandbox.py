"""Parsing in worker processes, each file under a time limit and each worker under a memory limit.

A hostile or broken file (a zip bomb, a parser that loops or crashes) costs one worker, never the
process that owns the store: the worker is killed and replaced, the file fails with a reason, the
batch goes on. Workers start with `spawn` (the parent holds threads and models a fork would copy) and
keep their temporary files in one folder per pool, removed when the pool closes, so a killed worker
leaves nothing behind.

A pool built with redaction settings also detects (`submit_detected`): once a file is parsed, a second
task in the same pool runs redaction's detection (Presidio, spaCy: the costly half of redaction) on
its texts, under `redaction.deadline_s`, so parsing, detection and the parent's embedding overlap on
every core. Two tasks, not one, so each keeps its own time limit and its own reason when it fails.
"""

from __future__ import annotations

import importlib
import logging
import multiprocessing
import os
import resource
import shutil
import tempfile
import threading
import time
from concurrent.futures import Future, TimeoutError as FutureTimeout
from pathlib import Path

from core.errors import ParseError, VeilError
from core.settings import ParsingSettings, RedactionSettings
from core.types import Element
from ingest.base import ParsedFile, untrusted

log = logging.getLogger(__name__)

FILES_PER_WORKER = 200  # a fresh worker now and then: parsers' caches and leaks do not pile up
DEFAULT_PARSER = "ingest.unstructured_parser:UnstructuredParser"
_DETECTION_GRACE_S = 10.0  # past the cooperative deadline, the worker is killed
_parser = None  # one per worker process
_detector = None  # one per worker process, where the pool detects
_deadline_s: float | None = None


def _start_worker(settings: ParsingSettings, tmp_root: str, parser_class: str,
                  redaction: RedactionSettings | None = None) -> None:
    """Runs first in each worker: its memory ceiling, its own temporary folder, its parser, and (where
    the pool detects) its detector, loaded here so no file's time limit pays for it (loading it on the
    first detection instead stalled the ingest mid-way: 123 s against 108 s on the shared corpus)."""
    global _parser, _detector, _deadline_s
    limit = settings.max_memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))  # heap and anonymous maps: what a parse allocates
    tempfile.tempdir = tempfile.mkdtemp(prefix="worker-", dir=tmp_root)
    os.environ["TMPDIR"] = tempfile.tempdir
    module, name = parser_class.split(":")
    _parser = getattr(importlib.import_module(module), name)(settings)
    if redaction is not None:
        from redaction.presidio import PresidioDetector

        _detector, _deadline_s = PresidioDetector(redaction), redaction.deadline_s
        _detector.load()


def _detect(texts: list[str]):
    from redaction.deadline import deadline
    from redaction.redactor import detect_documents

    started = time.perf_counter()
    with deadline(_deadline_s):
        return detect_documents(_detector, [texts])[0], time.perf_counter() - started


def _parse(data: bytes, filename: str) -> tuple[list[Element], float]:
    started = time.perf_counter()
    try:
        return _parser.parse(data, filename), time.perf_counter() - started
    except MemoryError:
        raise ParseError("the file needs more memory than parsing.max_memory_mb allows") from None


class SandboxedParser:
    """A `Parser` whose work runs in a pool of limited worker processes (started on first use)."""

    def __init__(self, settings: ParsingSettings, workers: int = 1, parser_class: str = DEFAULT_PARSER,
                 redaction: RedactionSettings | None = None) -> None:
        """`parser_class`: "module:Class", built in each worker from the settings. `redaction`: the
        workers also detect (`submit_detected`) with a detector built from these settings."""
        self._settings, self._workers, self._parser_class = settings, max(1, workers), parser_class
        self._redaction = redaction
        self._pool = None
        self._tmp_root: str | None = None
        self.parse_seconds = 0.0  # summed over workers: the parsing stage's share of the work
        self.detect_seconds = 0.0  # summed over workers: detection's share, where the workers detect
        self._lock = threading.Lock()  # the pool's start and stop
        self._counting = threading.Lock()  # the seconds, added from the pool's threads

    @property
    def detects(self) -> bool:
        """Whether the workers run redaction's detection too (`submit_detected`)."""
        return self._redaction is not None

    @property
    def workers(self) -> int:
        return self._workers

    @property
    def scratch(self) -> Path | None:
        """The pool's temporary folder (workers' files live below it); gone once the pool closes."""
        return Path(self._tmp_root) if self._tmp_root else None

    def parse(self, data: bytes, filename: str) -> list[Element]:
        return self.result(self.submit(data, filename)).elements

    def submit(self, data: bytes, filename: str) -> Future:
        return self._ensure_pool().schedule(_parse, args=(data, filename), timeout=self._settings.timeout_s)

    def submit_detected(self, data: bytes, filename: str, name_texts: list[str]) -> Future:
        """Parse, then detect on the element texts followed by `name_texts` (the file name's, which is
        redacted with its body): a future of a `ParsedFile` for `result`, or of the reason it failed."""
        if self._redaction is None:
            raise RuntimeError("this parser's workers do not detect: build it with redaction settings")
        out: Future = Future()

        def parsed(parsing: Future) -> None:  # in the pool's thread
            try:
                elements = untrusted(self.result(parsing).elements)
            except BaseException as exc:  # noqa: BLE001 - handed to the caller, with its name detected
                self._fail_with_name_detected(exc, name_texts, out)
                return
            try:
                texts = [*(e.text for e in elements), *name_texts]
                detecting = self._schedule_detection(texts)
                detecting.add_done_callback(lambda done: self._detected(done, elements, out))
            except BaseException as exc:  # noqa: BLE001 - handed to the caller
                out.set_exception(exc)

        self.submit(data, filename).add_done_callback(parsed)
        return out

    def _fail_with_name_detected(self, failure: BaseException, name_texts: list[str], out: Future) -> None:
        """A file that failed is still logged by its name, redacted: the name is detected here too (as
        `failure.name_detected`), so the parent never loads a detector of its own just for that."""
        def detected(detecting: Future) -> None:
            try:
                failure.name_detected = detecting.result()[0]
            except BaseException:  # noqa: BLE001 - the parent detects the name itself, or withholds it
                pass
            out.set_exception(failure)

        try:
            self._schedule_detection(list(name_texts)).add_done_callback(detected)
        except BaseException:  # noqa: BLE001 - the pool is closing: the failure goes as it is
            out.set_exception(failure)

    def _schedule_detection(self, texts: list[str]) -> Future:
        """On the running pool only: a pool closed meanwhile is never started again from here."""
        with self._lock:
            if self._pool is None:
                raise VeilError("the ingest stopped before this file was redacted")
            return self._pool.schedule(_detect, args=(texts,), timeout=self._redaction.deadline_s + _DETECTION_GRACE_S)

    def _detected(self, detecting: Future, elements: list[Element], out: Future) -> None:
        from pebble import ProcessExpired
        from redaction.deadline import RedactionTimeout

        try:
            detected, seconds = detecting.result()
        except VeilError as exc:  # the deadline, in the worker: Veil's own words
            out.set_exception(exc)
        except (TimeoutError, FutureTimeout):
            out.set_exception(RedactionTimeout(f"redaction took longer than {self._redaction.deadline_s:g} s "
                                               "(redaction.deadline_s): the worker was stopped"))
        except (ProcessExpired, MemoryError):
            out.set_exception(VeilError("redaction needs more memory than parsing.max_memory_mb allows "
                                        "in a parsing worker: the file was not ingested"))
        except Exception as exc:  # a recognizer's message may quote the document: keep only its type
            out.set_exception(VeilError(f"redaction failed in a parsing worker: {type(exc).__name__}"))
        else:
            with self._counting:
                self.detect_seconds += seconds
            out.set_result(ParsedFile(elements, detected))

    def result(self, future: Future) -> ParsedFile:
        """The parsed file (detected too, for `submit_detected`), or a ParseError saying why the worker gave up."""
        from pebble import ProcessExpired

        try:
            outcome = future.result()
        except VeilError:
            raise
        except (TimeoutError, FutureTimeout):
            raise ParseError(f"parsing took longer than {self._settings.timeout_s:g} s "
                             "(parsing.timeout_s): the worker was stopped") from None
        except ProcessExpired as exc:
            raise ParseError(f"the parser crashed (exit code {exc.exitcode}): the file is malformed or needs "
                             "more memory than parsing.max_memory_mb allows") from None
        except MemoryError:
            raise ParseError("the file needs more memory than parsing.max_memory_mb allows") from None
        except Exception as exc:  # the library's message may quote the document: keep only its type
            raise ParseError(f"cannot parse this file: {type(exc).__name__}") from None
        if isinstance(outcome, ParsedFile):
            return outcome
        elements, seconds = outcome
        with self._counting:
            self.parse_seconds += seconds
        return ParsedFile(elements)

    def close(self) -> None:
        with self._lock:  # taken out first: a parse finishing now schedules no detection on it
            pool, self._pool = self._pool, None
            tmp_root, self._tmp_root = self._tmp_root, None
        if pool is not None:
            pool.stop()
            pool.join(timeout=10)
        if tmp_root:
            shutil.rmtree(tmp_root, ignore_errors=True)

    def _ensure_pool(self):
        from pebble import ProcessPool

        with self._lock:
            if self._pool is None:
                self._tmp_root = tempfile.mkdtemp(prefix="veil-parse-")
                tasks_per_file = 1 if self._redaction is None else 2  # a parse, and its detection
                self._pool = ProcessPool(max_workers=self._workers, max_tasks=FILES_PER_WORKER * tasks_per_file,
                                         initializer=_start_worker, initargs=(self._settings, self._tmp_root, self._parser_class, self._redaction),
                                         context=multiprocessing.get_context("spawn"))
            return self._pool

    def __enter__(self) -> SandboxedParser:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
