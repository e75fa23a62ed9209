"""Application logging: a file under the data dir plus stderr. Veil's own log lines never carry
document text; they name files, counts and types only."""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

NOISY = ("pdfminer", "pypdf", "unstructured", "sentence_transformers", "httpx", "transformers")
# Presidio warns about every recognizer of a language Veil does not load: expected, not news.
QUIET = ("presidio-analyzer", "presidio-anonymizer")


def configure_logging(data_dir: Path, level: str, console_level: str = "WARNING") -> Path:
    path = data_dir / "logs" / "veil.log"
    path.parent.mkdir(parents=True, exist_ok=True)
    fmt = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    file_handler = logging.FileHandler(path, encoding="utf-8")
    file_handler.setFormatter(fmt)
    console = logging.StreamHandler()
    console.setFormatter(fmt)
    console.setLevel(console_level)
    root = logging.getLogger()
    root.handlers[:] = [file_handler, console]
    root.setLevel(level)
    for name in NOISY:
        logging.getLogger(name).setLevel(max(logging.WARNING, logging.getLevelName(level)))
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", category=FutureWarning)
    return path
