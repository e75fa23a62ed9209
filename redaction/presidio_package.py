"""Importing Presidio without the part Veil never uses.

`presidio_analyzer` imports Hugging Face `transformers` pipelines at import time, for its optional
transformers NLP engine (Veil runs the spaCy engine). That import costs about 3.7 of the 6.7 seconds
Presidio takes to import on these machines — in every process that redacts: `veil serve`, a cold
`veil ingest`, each parsing worker that detects. For the one import, `transformers` is made
unimportable, which Presidio handles as "not installed"; it is importable again right after, for the
torch embedder. The detector (`redaction.presidio`) and `redaction.nlp` call `import_presidio()` before
anything of Presidio's; a recognizer module imported on its own first (a test) merely loads slower.
"""

from __future__ import annotations

import sys


def import_presidio() -> None:
    """Import `presidio_analyzer` (once) without `transformers`; a later `import transformers` works."""
    if "presidio_analyzer" in sys.modules or "transformers" in sys.modules:
        return
    sys.modules["transformers"] = None  # type: ignore[assignment] - `import transformers` raises ImportError
    try:
        import presidio_analyzer  # noqa: F401
    except ImportError:  # some version needs it after all: the plain import below brings it in
        pass
    finally:
        if sys.modules.get("transformers", True) is None:
            del sys.modules["transformers"]
