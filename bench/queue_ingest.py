"""The queue path beside the in-process path on the same folder, with 1 and 2 workers, same run.

    .venv/bin/python bench/queue_ingest.py ../shared/data/docs --limit 40 --runs 3 [--redis redis://127.0.0.1:6379/15] [--json]

The first `--limit` files of the folder are copied to a temporary folder, so every measurement reads the
same files. Each run measures, in alternating order (odd runs reversed), for N = 1 and N = 2:

1. in-process: `BulkIngest` (what `veil ingest PATH --workers N` runs) with N parsing processes, models
   loaded and warmed first, into a fresh data dir.
2. queue: `veil serve` (the owner of the embedded store, writing what workers hand over) and N
   `veil worker --concurrency 1` processes, started and warmed first (each prints "ready"); timed from
   the enqueue (`veil ingest --queue`'s function) until the job is `done`, into a fresh data dir.

Both use the embedded store and SQLite state (the default); the queue on the machine's Redis. Reported:
median wall seconds and files/s of each, and queue/in-process per N. Progress goes to stderr; the last
stdout line is the JSON summary.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.offline import harden_environment  # noqa: E402

harden_environment()

from api.queue_wiring import build_jobs, enqueue_ingest  # noqa: E402
from api.wiring import build_parser, build_veil  # noqa: E402
from core.settings import load_settings  # noqa: E402
from ingest.bulk import BulkIngest  # noqa: E402
from ingest.sources import iter_sources  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
VEIL = [sys.executable, "-m", "api"]
WORKERS = (1, 2)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def copy_files(folder: Path, limit: int | None, into: Path) -> int:
    sources = [s for s in iter_sources([folder]) if s.problem is None][:limit]
    for source in sources:
        target = into / source.path.relative_to(folder)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source.path, target)
    return len(sources)


def env_for(data_dir: Path, redis_url: str, audit_key: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VEIL_")}
    return env | {"VEIL_DATA_DIR": str(data_dir), "VEIL_QUEUE__URL": redis_url, "VEIL_AUDIT__KEY": audit_key}


def in_process(folder: Path, workers: int, data_dir: Path) -> float:
    settings = load_settings(data_dir=data_dir)
    veil = build_veil(settings)
    try:
        veil.warm_up()
        with build_parser(settings, workers, bulk=True) as parser:
            started = time.perf_counter()
            report = BulkIngest(veil.pipeline, parser).run([folder], "default")
            elapsed = time.perf_counter() - started
    finally:
        veil.close()
    log(f"  in-process x{workers}: {elapsed:.1f} s {report.totals()}")
    return elapsed


def queued(folder: Path, workers: int, data_dir: Path, redis_url: str) -> float:
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    env = env_for(data_dir, redis_url, secrets.token_hex(32))
    port = _free_port()
    logs = data_dir.parent / f"{data_dir.name}-logs"
    logs.mkdir(parents=True, exist_ok=True)
    processes = [subprocess.Popen([*VEIL, "serve", "--port", str(port)], env=env, cwd=logs,
                                  stdout=open(logs / "serve.log", "w"), stderr=subprocess.STDOUT)]
    try:
        _wait_for(lambda: _answers(port), "veil serve")
        for i in range(workers):
            processes.append(subprocess.Popen([*VEIL, "worker", "--concurrency", "1"], env=env, cwd=logs,
                                              stdout=open(logs / f"worker{i}.log", "w"), stderr=subprocess.STDOUT))
        _wait_for(lambda: all("ready" in (logs / f"worker{i}.log").read_text() for i in range(workers)), "workers")
        settings = load_settings(data_dir=data_dir, queue={"url": redis_url},
                                 audit={"key": env["VEIL_AUDIT__KEY"]})
        jobs = build_jobs(settings)
        started = time.perf_counter()
        job = enqueue_ingest(settings, [folder], "default", ("everyone",))["job"]
        while (status := jobs.status(job))["state"] != "done":
            time.sleep(0.2)
        elapsed = time.perf_counter() - started
        jobs.close()
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(120)
    log(f"  queue x{workers}: {elapsed:.1f} s {status['totals']}")
    return elapsed


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(port: int) -> bool:
    import httpx

    try:
        return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def _wait_for(condition, what: str, seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.5)
    raise SystemExit(f"{what} did not get ready in {seconds:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/15")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="veil-bench-queue-") as tmp:
        folder = Path(tmp) / "share"
        files = copy_files(args.folder, args.limit, folder)
        log(f"{files} files from {args.folder}")
        seconds: dict[str, list[float]] = {f"{path} x{n}": [] for n in WORKERS for path in ("in-process", "queue")}
        for run in range(args.runs):
            plan = [(path, n) for n in WORKERS for path in ("in-process", "queue")]
            for path, n in plan if run % 2 == 0 else reversed(plan):
                data_dir = Path(tmp) / f"run{run}-{path}-{n}" / ".veil"
                measure = in_process(folder, n, data_dir) if path == "in-process" else queued(
                    folder, n, data_dir, args.redis)
                seconds[f"{path} x{n}"].append(measure)
    medians = {name: statistics.median(values) for name, values in seconds.items()}
    summary = {"files": files, "runs": args.runs, "seconds": seconds,
               "median_s": {k: round(v, 1) for k, v in medians.items()},
               "files_per_s": {k: round(files / v, 2) for k, v in medians.items()},
               "queue_over_in_process": {f"x{n}": round(medians[f"in-process x{n}"] / medians[f"queue x{n}"], 2)
                                         for n in WORKERS}}
    if not args.json:
        for name, value in summary["files_per_s"].items():
            log(f"{name:<16} {value:6.2f} files/s (median {summary['median_s'][name]} s)")
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
