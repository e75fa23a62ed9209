"""The backstop on redaction time (`redaction.deadline_s`): a file whose redaction runs past it fails
with a clear reason instead of holding a worker.

Every recognizer pattern is meant to run in time linear in its input (`bench/adversarial_redaction.py`
measures crafted inputs beside prose); the deadline is for what that misses. It is cooperative: the
redactor opens it around one call (`DocumentRedactor.redact_documents`), and the detector checks it
between texts, and between the bounded windows a long text is read in, so no check waits long.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from core.errors import VeilError


class RedactionTimeout(VeilError):
    """Redaction ran past `redaction.deadline_s`: the file fails, the rest of an ingest goes on."""

    http_status = 422


class Deadline:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._end = time.monotonic() + seconds

    def check(self) -> None:
        if time.monotonic() > self._end:
            raise RedactionTimeout(f"redaction took longer than {self.seconds:g} s (redaction.deadline_s): "
                                   "the file was not ingested")


_ACTIVE: ContextVar[Deadline | None] = ContextVar("redaction_deadline", default=None)


@contextmanager
def deadline(seconds: float | None) -> Iterator[None]:
    """Checks inside this block (in this thread) raise RedactionTimeout once `seconds` have passed."""
    if seconds is None:
        yield
        return
    token = _ACTIVE.set(Deadline(seconds))
    try:
        yield
    finally:
        _ACTIVE.reset(token)


def check_deadline() -> None:
    active = _ACTIVE.get()
    if active is not None:
        active.check()
