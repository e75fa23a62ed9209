"""Stage timings of the embedded pipeline on a folder of documents, models warm, several runs.

    .venv/bin/python bench/pipeline.py examples/documents --runs 3

Each stage is timed on its own (parse, redact, embed the chunks, retrieve, generate), and the
redaction stage is timed beside vanilla Presidio on the same elements in the same run.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.offline import harden_environment  # noqa: E402

harden_environment()

from api.wiring import build_veil  # noqa: E402
from core.settings import load_settings  # noqa: E402
from core.types import RedactedElement  # noqa: E402
from ingest.chunking import chunk_document  # noqa: E402
from ingest.pipeline import iter_sources  # noqa: E402
from redaction.presidio import VanillaPresidio  # noqa: E402


def timed(fn):
    started = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - started


def one_run(veil, vanilla, files: list[Path], question: str) -> dict[str, float]:
    docs, parse_s = timed(lambda: [veil.parser.parse(f.read_bytes(), f.name) for f in files])
    texts = [[e.text for e in elements] for elements in docs]
    redacted, redact_s = timed(lambda: [veil.redactor.redact(t) for t in texts])
    _, vanilla_s = timed(lambda: [vanilla.ranges(t) for t in texts])
    chunking = veil.settings.chunking
    chunks = [c.text for elements, red in zip(docs, redacted)
              for c in chunk_document([RedactedElement(r.text, e.page, e.category) for e, r in zip(elements, red)],
                                      chunking.size, chunking.overlap)]
    _, embed_s = timed(lambda: veil.embedder.embed_documents(chunks))
    _, retrieve_s = timed(lambda: veil.answerer.retrieve(question, "bench"))
    _, answer_s = timed(lambda: veil.answerer.answer(question, "bench"))
    return {"parse": parse_s, "redact": redact_s, "redact (vanilla presidio)": vanilla_s,
            "embed chunks": embed_s, "retrieve": retrieve_s, "retrieve + answer (default mode)": answer_s}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--question", default="What was the root cause of the security incident?")
    args = parser.parse_args()
    files = [source.path for source in iter_sources([args.folder])]
    with tempfile.TemporaryDirectory() as data_dir:
        veil = build_veil(load_settings(data_dir=Path(data_dir)))
        report = veil.pipeline.ingest_paths([args.folder], "bench")  # also loads every model once
        vanilla = VanillaPresidio(veil.settings.redaction)
        vanilla.ranges(["warm-up"])
        runs = [one_run(veil, vanilla, files, args.question) for _ in range(args.runs)]
        veil.close()
    chars = sum(len(c) for f in files for c in [f.read_bytes()])
    print(f"{len(files)} files, {report.totals()['chunks']} chunks, {chars:,} bytes; median of {args.runs} runs, models warm")
    for stage in runs[0]:
        print(f"  {stage:28} {statistics.median(r[stage] for r in runs) * 1000:9.0f} ms")
    ratio = statistics.median(r["redact (vanilla presidio)"] / r["redact"] for r in runs)
    print(f"  redaction speed, Veil vs vanilla Presidio on these documents: {ratio:.2f}x")


if __name__ == "__main__":
    main()
