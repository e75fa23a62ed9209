"""One model instance, many requests: a single worker thread runs generations in arrival order.

A llama.cpp context is not safe to share between threads, and two generations at once on two cores
would only slow both. Requests wait in a FIFO queue instead of on a lock (which is not fair), and
tokens are handed to the waiting request as they are produced, so streaming survives the queue.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from core.types import Completion, Message
from generation.base import ChatModel

@dataclass
class _Job:
    run: Callable[[], Any]
    results: queue.Queue = field(default_factory=queue.Queue)
    cancelled: threading.Event = field(default_factory=threading.Event)


class QueuedChat:
    """A ChatModel in front of another: same interface, one generation at a time, FIFO."""

    def __init__(self, model: ChatModel) -> None:
        self._model = model
        self.name, self.trust = model.name, model.trust
        self._jobs: queue.Queue[_Job] = queue.Queue()
        self._worker = threading.Thread(target=self._serve, name="veil-generation", daemon=True)
        self._worker.start()

    @property
    def waiting(self) -> int:
        """Requests queued behind the one being generated."""
        return self._jobs.qsize()

    def __getattr__(self, name: str):  # prompt_tokens, context_window, max_tokens: the model's own
        return getattr(self._model, name)

    def complete(self, messages: Sequence[Message], **opts) -> Completion:
        return self._result(self._submit(lambda job: self._model.complete(messages, **opts)))

    def stream(self, messages: Sequence[Message], **opts) -> Iterator[str]:
        def produce(job: _Job) -> None:
            for token in self._model.stream(messages, **opts):
                if job.cancelled.is_set():  # the reader went away: free the model for the next one
                    return
                job.results.put(("token", token))

        job = self._submit(produce)
        try:
            while True:
                kind, value = job.results.get()
                if kind == "token":
                    yield value
                elif kind == "error":
                    raise value
                else:
                    return
        finally:
            job.cancelled.set()

    def _submit(self, work: Callable[[_Job], Any]) -> _Job:
        job = _Job(run=lambda: None)
        job.run = lambda: work(job)
        self._jobs.put(job)
        return job

    @staticmethod
    def _result(job: _Job):
        kind, value = job.results.get()
        if kind == "error":
            raise value
        return value

    def _serve(self) -> None:
        while True:
            job = self._jobs.get()
            try:
                job.results.put(("done", job.run()))
            except BaseException as exc:  # handed to the request that asked; the worker lives on
                job.results.put(("error", exc))
