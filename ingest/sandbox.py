"""Parsing in worker processes, each file under a time limit and each worker under a memory limit.

A hostile or broken file (a zip bomb, a parser that loops or crashes) costs one worker, never the
process that owns the store: the worker is killed and replaced, the file fails with a reason, the
batch goes on. Workers start with `spawn` (the parent holds threads and models a fork would copy) and
keep their temporary files in one folder per pool, removed when the pool closes, so a killed worker
leaves nothing behind.
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
from core.settings import ParsingSettings
from core.types import Element

log = logging.getLogger(__name__)

TASKS_PER_WORKER = 200  # a fresh worker now and then: parsers' caches and leaks do not pile up
DEFAULT_PARSER = "ingest.unstructured_parser:UnstructuredParser"
_parser = None  # one per worker process


def _start_worker(settings: ParsingSettings, tmp_root: str, parser_class: str) -> None:
    """Runs first in each worker: its memory ceiling, its own temporary folder, its parser."""
    global _parser
    limit = settings.max_memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))  # heap and anonymous maps: what a parse allocates
    tempfile.tempdir = tempfile.mkdtemp(prefix="worker-", dir=tmp_root)
    os.environ["TMPDIR"] = tempfile.tempdir
    module, name = parser_class.split(":")
    _parser = getattr(importlib.import_module(module), name)(settings)


def _parse(data: bytes, filename: str) -> tuple[list[Element], float]:
    started = time.perf_counter()
    try:
        return _parser.parse(data, filename), time.perf_counter() - started
    except MemoryError:
        raise ParseError("the file needs more memory than parsing.max_memory_mb allows") from None


class SandboxedParser:
    """A `Parser` whose work runs in a pool of limited worker processes (started on first use)."""

    def __init__(self, settings: ParsingSettings, workers: int = 1, parser_class: str = DEFAULT_PARSER) -> None:
        """`parser_class`: "module:Class", built in each worker from the settings."""
        self._settings, self._workers, self._parser_class = settings, max(1, workers), parser_class
        self._pool = None
        self._tmp_root: str | None = None
        self.parse_seconds = 0.0  # summed over workers: the parsing stage's share of the work
        self._lock = threading.Lock()

    @property
    def workers(self) -> int:
        return self._workers

    @property
    def scratch(self) -> Path | None:
        """The pool's temporary folder (workers' files live below it); gone once the pool closes."""
        return Path(self._tmp_root) if self._tmp_root else None

    def parse(self, data: bytes, filename: str) -> list[Element]:
        return self.result(self.submit(data, filename))

    def submit(self, data: bytes, filename: str) -> Future:
        return self._ensure_pool().schedule(_parse, args=(data, filename), timeout=self._settings.timeout_s)

    def result(self, future: Future) -> list[Element]:
        """The elements, or a ParseError saying why the worker gave up."""
        from pebble import ProcessExpired

        try:
            elements, seconds = future.result()
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
        self.parse_seconds += seconds
        return elements

    def close(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.stop()
                self._pool.join(timeout=10)
                self._pool = None
            if self._tmp_root:
                shutil.rmtree(self._tmp_root, ignore_errors=True)
                self._tmp_root = None

    def _ensure_pool(self):
        from pebble import ProcessPool

        with self._lock:
            if self._pool is None:
                self._tmp_root = tempfile.mkdtemp(prefix="veil-parse-")
                self._pool = ProcessPool(max_workers=self._workers, max_tasks=TASKS_PER_WORKER,
                                         initializer=_start_worker, initargs=(self._settings, self._tmp_root, self._parser_class),
                                         context=multiprocessing.get_context("spawn"))
            return self._pool

    def __enter__(self) -> SandboxedParser:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
