"""The queue path's file tasks (`ingest.queue.FileTasks`) with fast fakes and no broker: what a worker
and the store's owner do with one delivery, and with the same delivery twice."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.jobs import JobBook
from ingest.queue import FileTasks, RetryLater, Sealer, decode_document, encode_document, file_task
from ingest.sources import SourceFile, iter_sources
from tests.fakes import TextParser
from tests.services import redis_url  # noqa: F401 (fixture)
from tests.unit.helpers import fake_veil

MAX_ATTEMPTS = 3
SEALER = Sealer(b"unit-test-audit-key")


@pytest.fixture
def veil(tmp_path):
    built = fake_veil(tmp_path / "data")
    yield built
    built.close()


@pytest.fixture
def folder(tmp_path) -> Path:
    root = tmp_path / "share"
    root.mkdir()
    (root / "memo.txt").write_text("Write to ada@example.org about the audit.\n\nThe audit closes in May.")
    (root / "notes.txt").write_text("Quarterly notes. Contact bob@example.org for the figures.")
    return root


def _tasks(veil, jobs, **kw) -> FileTasks:
    return FileTasks(veil.pipeline, TextParser(), jobs, MAX_ATTEMPTS, SEALER, **kw)


def _enqueue(jobs: JobBook, paths: list[Path]) -> list[dict]:
    sources = list(iter_sources(paths))
    job = jobs.create("default", ("everyone",), len(sources))
    return [file_task(job, i, s, "default", ("everyone",), SEALER) for i, s in enumerate(sources)]


def _deliver(tasks: FileTasks, task: dict) -> None:
    tasks.ingest(task["job"], task["index"], task["path"], task["name"], task["collection"], task["groups"],
                 task["folder_id"], task["problem"])


def _chunk_ids(veil) -> set[str]:
    return {c.chunk_id for c in veil.store.iter_chunks("default")}


def test_a_queued_file_gets_the_ids_of_an_in_process_ingest(tmp_path, veil, folder):
    jobs = JobBook(veil.settings.data_dir / "veil.db")
    for task in _enqueue(jobs, [folder]):
        _deliver(_tasks(veil, jobs), task)
    body = jobs.status(task["job"])
    assert body["state"] == "done" and body["totals"]["ingested"] == 2
    other = fake_veil(tmp_path / "in-process")
    other.pipeline.ingest_paths([folder], "default")
    assert _chunk_ids(veil) == _chunk_ids(other) and len(_chunk_ids(veil)) >= 2
    assert {d.doc_id for d in veil.registry.list()} == {d.doc_id for d in other.registry.list()}
    other.close()


def test_a_repeated_delivery_does_the_work_once(veil, folder):
    jobs = JobBook(veil.settings.data_dir / "veil.db")
    task = _enqueue(jobs, [folder / "memo.txt"])[0]
    tasks = _tasks(veil, jobs)
    _deliver(tasks, task)
    _deliver(tasks, task)  # the redelivery of a message whose acknowledgement was lost
    assert len(list(veil.audit.events("document.ingested"))) == 1
    assert jobs.status(task["job"])["files"][0]["attempts"] == 1


def test_the_store_owner_writes_what_a_worker_hands_over_once(tmp_path, veil, folder):
    jobs = JobBook(veil.settings.data_dir / "veil.db")
    task = _enqueue(jobs, [folder / "memo.txt"])[0]
    sent: list[dict] = []
    _deliver(_tasks(veil, jobs, hand_over=sent.append), task)
    assert veil.store.count("default") == 0 and jobs.status(task["job"])["state"] == "running"
    message = json.loads(json.dumps(sent[0]))  # what travels through Redis
    assert "ada@example.org" not in json.dumps(message)
    owner = _tasks(veil, jobs)
    owner.write(**message)
    owner.write(**message)  # redelivered after the owner died before acknowledging
    body = jobs.status(task["job"])
    assert body["state"] == "done" and body["files"][0]["state"] == "ingested"
    assert len(list(veil.audit.events("document.ingested"))) == 1 and veil.store.count("default") >= 1


def test_the_hand_over_encoding_round_trips(veil, folder):
    incoming = veil.pipeline.check(b"Mail ada@example.org now.", "memo.txt", str(folder / "memo.txt"), "default")
    prepared = veil.pipeline.prepare(incoming, TextParser().parse(b"Mail ada@example.org now.", "memo.txt"))
    vectors = veil.pipeline.embed([prepared])[0]
    decoded, decoded_vectors, folder_id = decode_document(json.loads(json.dumps(
        encode_document(prepared, vectors, "f1"))))
    assert decoded == prepared and folder_id == "f1"
    assert (decoded_vectors == vectors.astype("float32")).all()


def test_a_file_that_stops_its_worker_every_time_ends_failed(veil, folder):
    """Each delivery a killed worker never finished counted one attempt; the next one gives up."""
    jobs = JobBook(veil.settings.data_dir / "veil.db")
    task = _enqueue(jobs, [folder / "memo.txt"])[0]
    for _ in range(MAX_ATTEMPTS):
        jobs.claim(task["job"], 0)  # what a worker killed mid-file leaves behind
    _deliver(_tasks(veil, jobs), task)
    file = jobs.status(task["job"])["files"][0]
    assert file["state"] == "failed" and f"after {MAX_ATTEMPTS} attempts" in file["error"]
    assert veil.store.count("default") == 0


class _FailingStore:
    def __init__(self, store, error: Exception):
        self._store, self._error = store, error

    def __getattr__(self, name):
        return getattr(self._store, name)

    def stage(self, chunks):
        raise self._error


def test_a_store_outage_is_retried_without_counting_attempts(veil, folder):
    jobs = JobBook(veil.settings.data_dir / "veil.db")
    task = _enqueue(jobs, [folder / "memo.txt"])[0]
    veil.pipeline._store = _FailingStore(veil.store, ConnectionError("store unreachable"))
    tasks = _tasks(veil, jobs)
    for _ in range(MAX_ATTEMPTS + 2):  # more deliveries than attempts: none of them is the file's fault
        with pytest.raises(RetryLater, match="unreachable"):  # Dramatiq retries the message with backoff
            _deliver(tasks, task)
    assert jobs.status(task["job"])["files"][0]["attempts"] == 0
    veil.pipeline._store = veil.store  # the store is back
    _deliver(tasks, task)
    assert jobs.status(task["job"])["files"][0]["state"] == "ingested"


def test_a_store_error_is_retried_then_fails_the_file(veil, folder):
    jobs = JobBook(veil.settings.data_dir / "veil.db")
    task = _enqueue(jobs, [folder / "memo.txt"])[0]
    veil.pipeline._store = _FailingStore(veil.store, ValueError("payload rejected"))
    tasks = _tasks(veil, jobs)
    for _ in range(MAX_ATTEMPTS - 1):
        with pytest.raises(RetryLater, match="payload rejected"):
            _deliver(tasks, task)
    _deliver(tasks, task)  # the last attempt records the failure instead
    file = jobs.status(task["job"])["files"][0]
    assert file["state"] == "failed" and "payload rejected" in file["error"]
    assert veil.registry.unfinished() == []  # the staged write was undone


def test_a_task_of_a_job_this_worker_cannot_see_is_retried_not_dropped(veil, tmp_path, folder):
    elsewhere = JobBook(tmp_path / "another-machine" / "veil.db")
    task = _enqueue(elsewhere, [folder / "memo.txt"])[0]
    with pytest.raises(RetryLater, match="not in this worker's state database"):
        _deliver(_tasks(veil, JobBook(veil.settings.data_dir / "veil.db")), task)


def test_unreadable_and_unchanged_files_end_at_once_with_stored_names(veil, folder):
    (folder / "ada@example.org.xyz").write_text("not a format anyone reads")
    jobs = JobBook(veil.settings.data_dir / "veil.db")
    tasks = _tasks(veil, jobs)
    for task in _enqueue(jobs, [folder]):
        _deliver(tasks, task)
    again = _enqueue(jobs, [folder])
    for task in again:
        _deliver(tasks, task)
    body = jobs.status(again[0]["job"])
    assert body["totals"]["unchanged"] == 2 and body["totals"]["failed"] == 1
    assert "ada@example.org" not in json.dumps(body)  # the job table holds names as stored (redacted)
    failed = [f for f in body["files"] if f["state"] == "failed"][0]
    assert failed["attempts"] == 1 and "unsupported" in failed["error"]


def test_a_path_that_is_a_link_fails_with_its_problem(veil, tmp_path, folder):
    (tmp_path / "link.txt").symlink_to(folder / "memo.txt")
    jobs = JobBook(veil.settings.data_dir / "veil.db")
    task = _enqueue(jobs, [tmp_path / "link.txt"])[0]
    _deliver(_tasks(veil, jobs), task)
    file = jobs.status(task["job"])["files"][0]
    assert file["state"] == "failed" and "link" in file["error"]


def test_a_task_names_the_absolute_path(tmp_path, folder, monkeypatch):
    monkeypatch.chdir(folder.parent)
    task = file_task("j", 0, SourceFile(Path("share/memo.txt"), "share/memo.txt"), "default", ("everyone",), SEALER)
    assert SEALER.open(task["path"]) == str(folder / "memo.txt") and SEALER.open(task["name"]) == "share/memo.txt"
    assert "memo" not in json.dumps(task)  # Redis, its dead letters and Dramatiq's logs see ciphertext


# -- the commands -------------------------------------------------------------------------------------------

def _cli(*args: str):
    from typer.testing import CliRunner

    from api.cli import app

    return CliRunner().invoke(app, list(args))


def test_the_queue_commands_say_what_is_missing(tmp_path, monkeypatch, folder):
    monkeypatch.setenv("VEIL_DATA_DIR", str(tmp_path / "data"))
    off = _cli("worker")
    assert off.exit_code == 2 and "the job queue is off: set queue.url" in off.output
    assert "set queue.url" in _cli("ingest", str(folder), "--queue").output
    monkeypatch.setenv("VEIL_QUEUE__URL", "redis://admin:s3cret@127.0.0.1:1/0")
    monkeypatch.setenv("VEIL_AUDIT__KEY", "k" * 64)
    unreachable = _cli("ingest", str(folder), "--queue")
    assert unreachable.exit_code == 2 and "queue.url redis://127.0.0.1:1/0: cannot reach Redis" in unreachable.output
    assert "s3cret" not in unreachable.output
    assert "--sync runs in-process only" in _cli("ingest", str(folder), "--queue", "--sync").output
    missing = _cli("jobs", "status", "nope")
    assert missing.exit_code != 0 and "no job nope" in missing.output


def test_jobs_status_prints_every_file_and_fails_when_done_with_failures(veil, tmp_path, monkeypatch, folder):
    monkeypatch.setenv("VEIL_DATA_DIR", str(veil.settings.data_dir))
    jobs = JobBook(veil.settings.data_dir / "veil.db")
    (folder / "broken.xyz").write_text("?")
    tasks = _enqueue(jobs, [folder])
    job = tasks[0]["job"]
    assert json.loads(_cli("jobs", "status", job, "--json").output)["state"] == "queued"
    for task in tasks:
        _deliver(_tasks(veil, jobs), task)
    shown = _cli("jobs", "status", job)
    assert shown.exit_code == 1  # done, with a failed file
    assert f"job {job}: done - 3 files (2 ingested, 1 failed)" in shown.output
    assert "share/memo.txt" in shown.output and "unsupported" in shown.output


def test_the_jobs_route_shows_progress_to_admins_only(veil, folder):
    from fastapi.testclient import TestClient

    from api.app import create_app
    from api.auth.keystore import KeyStore

    jobs = JobBook(veil.settings.data_dir / "veil.db")
    task = _enqueue(jobs, [folder / "memo.txt"])[0]
    _deliver(_tasks(veil, jobs), task)
    client = TestClient(create_app(veil, admin_token="veil_admin_test"))
    body = client.get(f"/v1/jobs/{task['job']}", headers={"Authorization": "Bearer veil_admin_test"}).json()
    assert body["state"] == "done" and body["files"][0]["state"] == "ingested" and body["totals"]["chunks"] >= 1
    missing = client.get("/v1/jobs/nope", headers={"Authorization": "Bearer veil_admin_test"})
    assert missing.status_code == 404 and missing.json() == {"error": "no job nope"}
    user, _ = KeyStore(veil.settings.data_dir / "veil.db").create("user")
    assert client.get(f"/v1/jobs/{task['job']}", headers={"Authorization": f"Bearer {user}"}).status_code == 403


def test_a_document_with_an_interrupted_write_is_not_unchanged_and_its_next_writer_repairs_it(veil, folder):
    """With a shared store nobody repairs everything at start-up: the next writer of the document does."""
    veil.pipeline.sole_writer = False
    path = folder / "memo.txt"
    assert veil.pipeline.ingest_file(path, "default", "share/memo.txt").status == "ingested"
    info = veil.registry.list()[0]
    veil.registry.begin("deleting", info)  # a removal whose process died half-way
    again = veil.pipeline.ingest_file(path, "default", "share/memo.txt")
    assert again.status == "updated" and veil.registry.unfinished() == []
    assert veil.pipeline.repair() == []  # a shared store's writer never repairs other documents wholesale


def test_one_store_owner_takes_the_hand_overs_and_a_crashed_ones_lock_expires(redis_url):
    import time

    from core.errors import ConfigError
    from core.settings import QueueSettings
    from ingest.queue import WriterLock, connect_broker

    broker = connect_broker(QueueSettings(url=redis_url))
    with WriterLock(broker, seconds=1):
        time.sleep(1.5)  # outlives its timeout: the keeper renews it
        with pytest.raises(ConfigError, match="another veil serve already writes"):
            with WriterLock(broker, seconds=1):
                pass
    with WriterLock(broker, seconds=1):  # released: the next owner takes it at once
        pass
    crashed = broker.client.lock("veil:veil-writes:owner", timeout=1)
    assert crashed.acquire(blocking=False)  # an owner that died holding it
    started = time.monotonic()
    with WriterLock(broker, seconds=1):
        assert time.monotonic() - started < 3
    broker.close()
