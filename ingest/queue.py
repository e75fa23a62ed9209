"""Ingest through a job queue: Dramatiq on Redis (`veil ingest --queue`, `veil worker`).

Why Dramatiq: it acknowledges a message only after its task returns (a worker killed mid-file loses
nothing), its Redis broker gives a dead worker's unacknowledged messages back to the queue once the
worker's heartbeat is `queue.redelivery_s` old, it retries with backoff, and it is small (no result
backend, no beat, no pickle: messages are JSON). RQ has no late acknowledgement; Celery's Redis
transport redelivers by a visibility timeout, which also re-runs long files that are still running.

A task carries the path of one file (every worker must see the same path: a shared mount), never its
bytes: raw documents do not enter Redis. The path and the file's name travel sealed (Fernet, under a
key derived from the audit key every machine shares), so Redis, its dead-letter queue and Dramatiq's
own log lines see ciphertext. Workers parse, redact and embed. With a Qdrant server they
write the document themselves; with the embedded Qdrant Edge they hand the redacted, embedded chunks
to `veil serve`, the one process that owns that store, through the `veil-writes` queue. Either way the
last write marks the file finished in the same transaction (`ingest.jobs`), and every delivery claims
the file first, so a task delivered twice does its work once, and a file that fails or kills its
worker `queue.max_attempts` times ends `failed` instead of looping. An outage of the state database,
Redis or the store is not the file's fault: its task is retried with backoff (for about an hour)
without counting an attempt.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
import socket
import threading
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import asdict
from pathlib import Path, PurePath

import dramatiq
import numpy as np

from core.errors import ConfigError, VeilError
from core.settings import QueueSettings, url_shown
from core.types import Chunk, DocumentInfo, Span
from ingest.auditing import LocatedSpan
from ingest.base import Parser
from ingest.jobs import JobBook
from ingest.pipeline import FileResult, IngestPipeline, PreparedDocument
from ingest.sources import SourceFile, read_source
from retrieval.identity import EmbedderIdentity

log = logging.getLogger(__name__)

NAMESPACE = "veil"
INGEST_QUEUE, WRITE_QUEUE = "veil-ingest", "veil-writes"
INGEST_ACTOR, WRITE_ACTOR = "veil.ingest_file", "veil.write_document"
# Maintenance (giving a dead worker's messages back) runs on this share of broker commands, per million.
# Each live worker polls about twice a second, so a dead worker is noticed within seconds of its timeout.
MAINTENANCE_CHANCE = 50_000
TASK_TIME_LIMIT_MS = 60 * 60 * 1000  # parsing has its own timeout; this only stops a runaway task
RETRIES = 60  # Dramatiq's own retries, with backoff up to a minute: an outage of about an hour
MAX_BACKOFF_MS = 60_000
WRITER_LOCK, WRITER_LOCK_S = "veil:veil-writes:owner", 30
WORKER_ID = f"{socket.gethostname()}:{os.getpid()}"  # who holds a file, in `veil jobs status`
# Exceptions that say a service is unreachable, not that the file is bad (psycopg, redis, httpx, qdrant-client)
TRANSIENT = {"OperationalError", "InterfaceError", "PoolTimeout", "ConnectionError", "TimeoutError",
             "TransportError", "ResponseHandlingException", "BusyLoadingError"}


class RetryLater(dramatiq.Retry):
    """Have Dramatiq retry the task. Dramatiq logs other exceptions with the whole message (for the
    write queue, a document's chunks); this one it leaves to us, and its text is safe (redacted, no path)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        log.warning("will retry: %s", reason)


class Sealer:
    """Seals what a task must carry but nobody else may read: the file's path and name."""

    def __init__(self, audit_key: bytes) -> None:
        from cryptography.fernet import Fernet

        derived = hmac.new(audit_key, b"veil/queue-paths/v1", hashlib.sha256).digest()
        self._fernet = Fernet(base64.urlsafe_b64encode(derived))

    def seal(self, text: str) -> str:
        return self._fernet.encrypt(text.encode("utf-8", "surrogateescape")).decode()

    def open(self, token: str) -> str:
        return self._fernet.decrypt(token.encode()).decode("utf-8", "surrogateescape")


def transient(exc: BaseException) -> bool:
    return any(cls.__name__ in TRANSIENT for cls in type(exc).__mro__)


def connect_broker(settings: QueueSettings):
    """The Redis broker, checked at once: an unreachable queue stops Veil with a message naming it."""
    import redis
    from dramatiq.brokers.redis import RedisBroker
    from dramatiq.middleware import Retries, TimeLimit

    broker = RedisBroker(url=settings.url, namespace=NAMESPACE, heartbeat_timeout=settings.redelivery_s * 1000,
                         maintenance_chance=MAINTENANCE_CHANCE,
                         middleware=[TimeLimit(time_limit=TASK_TIME_LIMIT_MS),
                                     Retries(max_retries=RETRIES, min_backoff=1000, max_backoff=MAX_BACKOFF_MS)])
    try:
        broker.client.ping()
    except redis.RedisError as exc:
        raise ConfigError(f"queue.url {url_shown(settings.url)}: cannot reach Redis ({type(exc).__name__})") from None
    return broker


def send(broker, queue_name: str, actor_name: str, kwargs: dict) -> None:
    """Enqueue by name: the sender does not need the actor's code (the CLI never loads a model)."""
    broker.enqueue(dramatiq.Message(queue_name=queue_name, actor_name=actor_name, args=(), kwargs=kwargs, options={}))


def file_task(job: str, index: int, source: SourceFile, collection: str, groups: tuple[str, ...],
              sealer: Sealer) -> dict:
    return {"job": job, "index": index, "path": sealer.seal(str(source.path.absolute())),
            "name": sealer.seal(source.name), "folder_id": source.folder_id, "problem": source.problem,
            "collection": collection, "groups": list(groups)}


def start_worker(broker, threads: int, poll_ms: int):
    """A Dramatiq worker on the actors declared on `broker`; `process_boot` starts the time limit's timer."""
    broker.emit_after("process_boot")
    worker = dramatiq.Worker(broker, worker_threads=threads, worker_timeout=poll_ms)
    worker.start()
    return worker


class WriterLock:
    """Only one `veil serve` may take the documents workers hand over (two would split them between two
    embedded stores): a lock in Redis, kept alive while the server runs."""

    def __init__(self, broker, seconds: float = WRITER_LOCK_S) -> None:
        # A crashed owner's lock expires after `seconds`: a restart waits that long for it, no longer.
        self._lock = broker.client.lock(WRITER_LOCK, timeout=seconds, blocking=True, blocking_timeout=seconds + 5,
                                        thread_local=False)  # renewed from another thread
        self._stop, self._seconds = threading.Event(), seconds

    def __enter__(self) -> WriterLock:
        if not self._lock.acquire():
            raise ConfigError("another veil serve already writes what queue workers hand over (one embedded store "
                              "per queue: stop it, or use the Qdrant server for several API processes)")
        threading.Thread(target=self._keep, name="veil-writer-lock", daemon=True).start()
        return self

    def _keep(self) -> None:
        while not self._stop.wait(self._seconds / 3):
            try:
                self._lock.reacquire()
            except Exception:  # Redis away for a while: take it again when it is back
                log.warning("could not renew the queue writer lock; retrying")

    def __exit__(self, *exc) -> None:
        self._stop.set()
        try:
            self._lock.release()
        except Exception:
            pass


class FileTasks:
    """What a worker does with one file's task; with the embedded store, also what `veil serve` does
    with the chunks a worker hands over (`write`)."""

    def __init__(self, pipeline: IngestPipeline, parser: Parser, jobs: JobBook, max_attempts: int,
                 sealer: Sealer, hand_over: Callable[[dict], None] | None = None,
                 store_lock: threading.RLock | None = None) -> None:
        """`hand_over`: send the embedded chunks to the store's owner instead of writing them here."""
        self._pipeline, self._parser, self._jobs, self._sealer = pipeline, parser, jobs, sealer
        self._max_attempts, self._hand_over = max_attempts, hand_over
        self._store_lock = store_lock or nullcontext()
        self._preparing = threading.Lock()  # the redactor and the embedder are one set of models per process

    # -- the worker's side ---------------------------------------------------------------------------------

    def ingest(self, job: str, index: int, path: str, name: str, collection: str, groups: list[str],
               folder_id: str | None = None, problem: str | None = None) -> None:
        """One delivery of a file's task (`path` and `name` sealed)."""
        try:
            self._deliver(job, index, self._sealer.open(path), self._sealer.open(name), collection, groups,
                          folder_id, problem)
        except RetryLater:
            raise
        except Exception as exc:  # the state database is away (a claim or a finish failed): later
            raise RetryLater(f"job {job} file {index}: {self._pipeline.safe_reason(exc)}") from None

    def _deliver(self, job: str, index: int, path: str, name: str, collection: str, groups: list[str],
                 folder_id: str | None, problem: str | None) -> None:
        claim = self._jobs.claim(job, index, WORKER_ID)
        if claim.finished:
            log.info("job %s file %d: already finished (a repeated delivery)", job, index)
            return
        if claim.attempts > self._max_attempts:
            self._jobs.finish(job, index, FileResult(self._pipeline.safe_name(name), "failed", error=(
                f"gave up after {claim.attempts - 1} attempts: the file failed or stopped its worker each time")))
            return
        try:
            result = self._ingest(job, index, SourceFile(Path(path), name, folder_id, problem), collection, groups)
        except Exception as exc:
            reason = self._pipeline.safe_reason(exc)
            if transient(exc):  # a service is away, not the file's fault: this attempt does not count
                self._jobs.release(job, index)
                raise RetryLater(f"job {job} file {index}: {reason}") from None
            if claim.attempts < self._max_attempts:
                raise RetryLater(f"job {job} file {index}, attempt {claim.attempts}: {reason}") from None
            result = FileResult(self._pipeline.safe_name(name), "failed", error=reason)
        if result is not None:
            self._jobs.finish(job, index, result)

    def _ingest(self, job: str, index: int, source: SourceFile, collection: str,
                groups: list[str]) -> FileResult | None:
        """A FileResult when the file ends here; None when its commit marks it finished."""
        try:
            data = read_source(source, self._pipeline.max_file_bytes)
        except VeilError as exc:
            return self._failed(source.name, exc)
        checked = self._pipeline.check(data, source.name, source.source_key, collection, groups)
        if isinstance(checked, FileResult):  # unchanged (its stored name is known) or refused at once
            name = self._pipeline.stored_name(checked.doc_id) or self._pipeline.safe_name(checked.path)
            return FileResult(name, checked.status, doc_id=checked.doc_id, error=checked.error)
        try:
            elements = self._parser.parse(data, PurePath(source.name).name)
            with self._preparing:
                prepared = self._pipeline.prepare(checked, elements)
                embedded = self._pipeline.embed_all([prepared])
        except Exception as exc:  # the file's own problem (unreadable, hostile, too slow): no retry
            return self._failed(source.name, exc, checked.doc_id)
        vectors = embedded.vectors[0]
        if self._hand_over is not None:
            document = encode_document(prepared, vectors, source.folder_id, embedded.identity)
            self._hand_over({"job": job, "index": index, "document": document})
            return None
        self._commit(job, index, prepared, vectors, source.folder_id, embedded.identity)
        return None

    def _failed(self, name: str, exc: Exception, doc_id: str | None = None) -> FileResult:
        if transient(exc):
            raise exc  # a service is away: retried, not the file's failure
        result = self._pipeline.failed(name, exc, doc_id)
        return FileResult(self._pipeline.safe_name(name), "failed", error=result.error, doc_id=doc_id)

    # -- the store owner's side -------------------------------------------------------------------------------

    def write(self, job: str, index: int, document: dict) -> None:
        """Write a document a worker prepared. A redelivered message finds its file finished and stops."""
        try:
            prepared, vectors, folder_id = decode_document(document)
            try:
                self._commit(job, index, prepared, vectors, folder_id, embedded_with(document))
            except Exception as exc:
                if transient(exc):
                    raise
                self._jobs.finish(job, index, self._failed(prepared.info.source, exc, prepared.info.doc_id))
        except Exception as exc:  # a service is away (or the job is not ours to see): later
            raise RetryLater(f"job {job} file {index}: {self._pipeline.safe_reason(exc)}") from None

    def _commit(self, job: str, index: int, prepared: PreparedDocument, vectors: np.ndarray,
                folder_id: str | None, identity: EmbedderIdentity | None = None) -> None:
        with self._store_lock:
            if self._jobs.finished(job, index):
                return
            self._pipeline.write(prepared, vectors, folder_id,
                                 on_commit=lambda tx, result: self._jobs.finish_in(tx, job, index, result),
                                 embedded_with=identity)


def declare_actors(broker, tasks: FileTasks, queues: set[str]) -> None:
    if INGEST_QUEUE in queues:
        dramatiq.Actor(tasks.ingest, broker=broker, actor_name=INGEST_ACTOR, queue_name=INGEST_QUEUE, priority=0,
                       options={})
    if WRITE_QUEUE in queues:
        dramatiq.Actor(tasks.write, broker=broker, actor_name=WRITE_ACTOR, queue_name=WRITE_QUEUE, priority=0,
                       options={})


# -- a prepared document as JSON (the hand-over message) ----------------------------------------------------

def encode_document(prepared: PreparedDocument, vectors: np.ndarray, folder_id: str | None,
                    identity: EmbedderIdentity | None = None) -> dict:
    """`identity`: the embedder that made `vectors`; the store's owner refuses them for a collection of another."""
    vectors = np.asarray(vectors, dtype=np.float32)
    return {"embedder": identity.to_json() if identity else None,"info": asdict(prepared.info), "chunks": [asdict(c) for c in prepared.chunks],
            "located": [{"offset": ls.offset, "span": asdict(ls.span)} for ls in prepared.located],
            "name_spans": [asdict(s) for s in prepared.name_spans], "replaces": prepared.replaces,
            "folder_id": folder_id, "shape": list(vectors.shape),
            "vectors": base64.b64encode(vectors.tobytes()).decode()}


def embedded_with(d: dict) -> EmbedderIdentity | None:
    """The embedder a hand-over message names (None: sent by a worker that predates identities)."""
    return EmbedderIdentity.from_json(d["embedder"]) if d.get("embedder") else None


def decode_document(d: dict) -> tuple[PreparedDocument, np.ndarray, str | None]:
    info = DocumentInfo(**{**d["info"], "groups": tuple(d["info"]["groups"])})
    chunks = [Chunk(**{**c, "common_words": tuple(c["common_words"])}) for c in d["chunks"]]
    located = [LocatedSpan(item["offset"], Span(**item["span"])) for item in d["located"]]
    prepared = PreparedDocument(info, chunks, located, [Span(**s) for s in d["name_spans"]], d["replaces"])
    vectors = np.frombuffer(base64.b64decode(d["vectors"]), dtype=np.float32).reshape(d["shape"])
    return prepared, vectors, d["folder_id"]
