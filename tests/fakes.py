"""Fast stand-ins for the heavy adapters, for unit tests only (the e2e suite runs the real stack)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from core.errors import EmptyDocumentError, UnsupportedFileError
from core.types import Completion, Element, Message
from redaction.spans import Detection

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


class TextParser:
    """Parses .txt as UTF-8, one element per paragraph; a form feed starts a new page."""

    def parse(self, data: bytes, filename: str) -> list[Element]:
        if not filename.endswith(".txt"):
            raise UnsupportedFileError(f"unsupported file type ({filename.rsplit('.', 1)[-1]})")
        if not data.strip():
            raise EmptyDocumentError("the file is empty")
        elements = []
        for page, page_text in enumerate(data.decode("utf-8").split("\f"), start=1):
            elements += [Element(p.strip(), page) for p in page_text.split("\n\n") if p.strip()]
        return elements


class EmailDetector:
    """Detects e-mail addresses only; enough to observe redaction flowing through the pipeline."""

    def detect(self, texts: Sequence[str]) -> list[list[Detection]]:
        return [[Detection("EMAIL_ADDRESS", m.start(), m.end(), 1.0, "fake") for m in EMAIL.finditer(t)]
                for t in texts]

    def detect_capitalised(self, texts: Sequence[str]) -> list[list[Detection]]:
        return [[] for _ in texts]


class ScriptedChat:
    """Returns a fixed reply (streamed word by word) and records every prompt it was sent.

    Tokens are counted as whitespace-separated words, enough to exercise context fitting."""

    name = "scripted"
    trust = "local"

    def __init__(self, reply: str = "The answer is in the sources [1].", context_window: int = 4096,
                 max_tokens: int = 200, fail: Exception | None = None) -> None:
        self.reply, self.context_window, self.max_tokens, self.fail = reply, context_window, max_tokens, fail
        self.calls: list[list[Message]] = []

    def prompt_tokens(self, messages: Sequence[Message]) -> int:
        return sum(len(m.content.split()) for m in messages)

    def complete(self, messages: Sequence[Message], **opts) -> Completion:
        self.calls.append(list(messages))
        if self.fail:
            raise self.fail
        return Completion(self.reply, self.prompt_tokens(messages), len(self.reply.split()))

    def stream(self, messages: Sequence[Message], **opts) -> Iterator[str]:
        text = self.complete(messages).text
        yield from re.findall(r"\S+\s*|\s+", text)


class HostileParser(TextParser):
    """For the parsing sandbox: files named to misbehave do so inside the worker process."""

    def __init__(self, settings=None) -> None:
        pass

    def parse(self, data: bytes, filename: str) -> list[Element]:
        import os
        import time

        if filename.startswith("hang"):
            time.sleep(3600)
        if filename.startswith("crash"):
            os._exit(139)  # what a segfault in a C parser looks like from outside
        if filename.startswith("hog"):
            hog = bytearray(4 * 1024 ** 3)  # over the worker's memory limit
            return [Element(str(len(hog)), 1)]
        if filename.startswith("tempfile"):
            import tempfile

            handle, _ = tempfile.mkstemp(suffix=".part")  # a parser's scratch file, left behind
            os.close(handle)
        return super().parse(data, filename)


class InlineParser:
    """The parsing pool's interface, parsing in this process (fast unit tests of the bulk ingest)."""

    workers = 1
    detects = False  # redaction's detection stays with the pipeline

    def __init__(self, parser=None) -> None:
        self._parser = parser or TextParser()

    def parse(self, data: bytes, filename: str) -> list[Element]:
        return self._parser.parse(data, filename)

    def submit(self, data: bytes, filename: str):
        from concurrent.futures import Future

        future: Future = Future()
        try:
            future.set_result(self._parser.parse(data, filename))
        except Exception as exc:
            future.set_exception(exc)
        return future

    def result(self, future):
        from ingest.base import ParsedFile

        return ParsedFile(future.result())

    def close(self) -> None:
        pass
