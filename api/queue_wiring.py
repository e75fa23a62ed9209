"""The queue path's assembly: what `veil ingest --queue` sends, what `veil worker` runs, and the writer
`veil serve` runs when it owns the embedded store (see `ingest.queue`). `ingest.queue` (dramatiq,
the broker client) is imported only where the queue path is taken."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from pathlib import Path

from api.wiring import (Veil, audit_key, build_audit, build_detector, build_embedder, build_parser, build_pipeline,
                        build_redactor, build_registry, build_store, build_vault, state_for, store_capabilities)
from core.errors import ConfigError
from core.settings import Settings
from ingest.jobs import JobBook
from ingest.sources import iter_sources

log = logging.getLogger(__name__)
WORKER_POLL_MS = 1000  # an idle worker asks Redis this often; each ask is also its heartbeat


def build_jobs(settings: Settings) -> JobBook:
    """Beside the registry (same file or database): a file's commit and its `done` share one transaction."""
    return JobBook(state_for(settings, "veil"))


def require_queue(settings: Settings) -> None:
    if settings.queue.url is None:
        raise ConfigError("the job queue is off: set queue.url (VEIL_QUEUE__URL=redis://host:6379/0)")


def enqueue_ingest(settings: Settings, paths: Sequence[Path], collection: str, groups: tuple[str, ...]) -> dict:
    """One job, one task per file; returns `{"job": ID, "files": N}`. Loads no model and opens no store."""
    from ingest.queue import INGEST_ACTOR, INGEST_QUEUE, Sealer, connect_broker, file_task, send

    require_queue(settings)
    broker = connect_broker(settings.queue)
    sources = list(iter_sources(paths))
    sealer = Sealer(audit_key(settings))
    jobs = build_jobs(settings)
    try:
        job = jobs.create(collection, groups, len(sources))
        for index, source in enumerate(sources):
            send(broker, INGEST_QUEUE, INGEST_ACTOR, file_task(job, index, source, collection, groups, sealer))
    finally:
        jobs.close()
        broker.close()
    return {"job": job, "files": len(sources)}


class QueueWorker:
    """`veil worker`: parse, redact and embed queued files; write them (Qdrant server) or hand them over."""

    def __init__(self, settings: Settings, concurrency: int) -> None:
        from ingest.queue import (INGEST_QUEUE, WRITE_ACTOR, WRITE_QUEUE, FileTasks, Sealer, connect_broker,
                                  declare_actors, send)

        require_queue(settings)
        self.broker = connect_broker(settings.queue)
        audit = build_audit(settings)
        detector = build_detector(settings)
        vault = build_vault(settings, audit, detector)
        owns_store = not store_capabilities(settings).embedded  # an embedded store belongs to `veil serve`
        self._parser = build_parser(settings, concurrency)
        pipeline = build_pipeline(settings, self._parser, build_redactor(settings, audit, detector, vault),
                                  build_embedder(settings), build_store(settings) if owns_store else None,
                                  build_registry(settings), audit, vault)
        hand_over = None if owns_store else (lambda message: send(self.broker, WRITE_QUEUE, WRITE_ACTOR, message))
        tasks = FileTasks(pipeline, self._parser, build_jobs(settings), settings.queue.max_attempts,
                          Sealer(audit_key(settings)), hand_over)
        declare_actors(self.broker, tasks, {INGEST_QUEUE})
        self.concurrency, self._pipeline = concurrency, pipeline

    def run(self, stop: threading.Event, ready: Callable[[], None] = lambda: None) -> None:
        """Load the models, then take tasks until `stop` is set; in-flight tasks finish first."""
        from ingest.queue import start_worker

        self._pipeline.warm_up()
        worker = start_worker(self.broker, self.concurrency, WORKER_POLL_MS)
        ready()
        try:
            stop.wait()
        finally:
            worker.stop()
            self._parser.close()
            self.broker.close()


@contextmanager
def store_writer(veil: Veil):
    """In `veil serve`: write the documents workers hand over, when this process owns the embedded store."""
    if veil.settings.queue.url is None:
        yield None
        return
    from ingest.queue import WRITE_QUEUE, FileTasks, Sealer, WriterLock, connect_broker, declare_actors, start_worker

    broker = connect_broker(veil.settings.queue)  # checked even when unused here: a bad URL stops Veil now
    if not veil.store.capabilities.embedded:  # workers write to a shared store themselves
        broker.close()
        yield None
        return
    tasks = FileTasks(veil.pipeline, veil.parser, build_jobs(veil.settings), veil.settings.queue.max_attempts,
                      Sealer(audit_key(veil.settings)), store_lock=veil.lock)
    declare_actors(broker, tasks, {WRITE_QUEUE})
    with WriterLock(broker):
        worker = start_worker(broker, 1, WORKER_POLL_MS)
        log.info("writing the documents queue workers hand over (queue %s)", WRITE_QUEUE)
        try:
            yield worker
        finally:
            worker.stop()
            broker.close()
