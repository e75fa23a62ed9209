"""Where a cold bulk ingest spends its CPU: the ingesting process, the parsing workers, the converters.

    .venv/bin/python bench/ingest_cpu.py ../shared/data/docs [--workers 2] [--runs 3] [--json]

Each run is one cold `veil ingest DIR --json --workers N` into a fresh data dir (what `bench/ingest.py`
times as "veil"), watched through /proc every 0.2 s: the CPU seconds (user + system) of the ingesting
process, of its parsing workers (its children) and of what they start (LibreOffice, Tesseract: their
children), and of each thread of the ingesting process that used more than 0.5 s. Then the chunk texts
that run stored are embedded again in this process, alone, with the same ONNX embedder: once with its
thread pool as configured and once on a single thread, CPU and wall seconds. Medians over the runs.

This answers one question for issue 25: how many CPU seconds Veil's own work takes on two cores, and so
the shortest wall time it could reach with both cores busy every second (`floor_s` = CPU / cores), to
set beside the naive baseline of `bench/ingest.py`. A sample of /proc misses a process that lives
less than 0.2 s: `cpu_s` is a lower bound. Linux only. The last stdout line is the JSON summary.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.offline import harden_environment  # noqa: E402

harden_environment()

from api.wiring import build_veil, throwaway_settings  # noqa: E402
from core.settings import load_settings  # noqa: E402

COLLECTION = "bench"
TICKS = os.sysconf("SC_CLK_TCK")
SAMPLE_S = 0.2


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _cpu_and_parent(stat_path: str) -> tuple[float, int] | None:
    """(user + system seconds, parent pid) from a /proc stat file, or None once the process is gone."""
    try:
        with open(stat_path) as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / TICKS, int(fields[1])


def _watch(proc: subprocess.Popen) -> tuple[dict[int, tuple[float, int]], dict[int, float]]:
    """Until `proc` exits: each descendant's last CPU reading and depth (1: a worker, 2: what it ran),
    and the CPU of each of `proc`'s threads."""
    depth = {proc.pid: 0}
    processes: dict[int, tuple[float, int]] = {}
    threads: dict[int, float] = {}
    while proc.poll() is None:
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            pid = int(entry)
            reading = _cpu_and_parent(f"/proc/{pid}/stat")
            if reading is None or (pid not in depth and reading[1] not in depth):
                continue
            depth.setdefault(pid, depth[reading[1]] + 1 if pid != proc.pid else 0)
            processes[pid] = (reading[0], depth[pid])
        for tid in _listdir(f"/proc/{proc.pid}/task"):
            if (reading := _cpu_and_parent(f"/proc/{proc.pid}/task/{tid}/stat")) is not None:
                threads[int(tid)] = reading[0]
        time.sleep(SAMPLE_S)
    return processes, threads


def _listdir(path: str) -> list[str]:
    try:
        return os.listdir(path)
    except OSError:
        return []


def cold_ingest(corpus: Path, workers: int, data_dir: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VEIL_")} | {"VEIL_DATA_DIR": str(data_dir)}
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "api", "ingest", str(corpus.absolute()), "--json",
                             "--workers", str(workers), "--collection", COLLECTION],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=data_dir)
    processes, threads = _watch(proc)
    wall = time.perf_counter() - started
    if proc.returncode not in (0, 1):  # 1: some files failed, as in the shared corpus
        raise SystemExit(f"veil ingest exited {proc.returncode}")
    by_depth = [sum(cpu for cpu, d in processes.values() if d == level) for level in (0, 1)]
    deeper = sum(cpu for cpu, d in processes.values() if d >= 2)
    total = sum(by_depth) + deeper
    return {"wall_s": round(wall, 1), "cpu_s": round(total, 1), "ingesting_process_s": round(by_depth[0], 1),
            "parsing_workers_s": round(by_depth[1], 1), "converters_s": round(deeper, 1),
            "cores_busy": round(total / wall / (os.cpu_count() or 1), 3),
            "threads_s": sorted((round(cpu, 1) for cpu in threads.values() if cpu > 0.5), reverse=True)}


def embed_alone(data_dir: Path) -> dict:
    """The chunks the run stored, embedded again here by the same ONNX embedder: its pool, then one thread."""
    from retrieval.onnx_embedder import OnnxEmbedder

    veil = build_veil(throwaway_settings(load_settings(), data_dir))
    try:
        texts = [c.text for c in veil.store.iter_chunks(COLLECTION)]
    finally:
        veil.close()
    out = {"chunks": len(texts)}
    for name, threads in (("embed_pool", None), ("embed_one_thread", 1)):
        embedder = OnnxEmbedder(intra_op_threads=threads)
        embedder.embed_documents(texts[:4])  # the session loads outside the timing
        before, started = _own_cpu(), time.perf_counter()
        embedder.embed_documents(texts)
        out[name] = {"wall_s": round(time.perf_counter() - started, 1), "cpu_s": round(_own_cpu() - before, 1)}
    return out


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _median(rows: list[dict], *path: str) -> float:
    def get(row: dict):
        for key in path:
            row = row[key]
        return row
    return round(statistics.median(get(r) for r in rows), 3 if path[-1] == "cores_busy" else 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="stdout: the JSON summary only")
    args = parser.parse_args()
    if not Path("/proc/self/stat").exists():
        raise SystemExit("this bench reads /proc: Linux only")
    rows = []
    for run in range(args.runs):
        data_dir = Path(tempfile.mkdtemp(prefix="veil-bench-cpu-"))
        try:
            row = cold_ingest(args.corpus, args.workers, data_dir) | embed_alone(data_dir)
        finally:
            shutil.rmtree(data_dir, ignore_errors=True)
        log(f"run {run}: {json.dumps(row)}")
        rows.append(row)
    cores = os.cpu_count() or 1
    summary = {"runs": rows, "cores": cores, "median": {
        key: _median(rows, key) for key in ("wall_s", "cpu_s", "ingesting_process_s", "parsing_workers_s",
                                            "converters_s", "cores_busy")}}
    summary["median"] |= {f"{name}_{k}": _median(rows, name, k)
                          for name in ("embed_pool", "embed_one_thread") for k in ("wall_s", "cpu_s")}
    summary["median"]["floor_s"] = round(summary["median"]["cpu_s"] / cores, 1)
    if not args.json:
        for key, value in summary["median"].items():
            print(f"{key:>28}  {value}")
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
