"""The escalation client: any OpenAI-compatible `/v1/chat/completions` API, over httpx.

Nothing leaves without the egress guard: `prepare` re-scans the exact texts of a request and
refuses it when any personal data lies outside a placeholder; only a prepared `Outbound` can be
sent. The `Outbound` holds the exact JSON body, so what the UI shows, what the audit log hashes and
what crossed the wire are the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass

import httpx

from core.errors import VeilError
from core.settings import EscalationSettings
from core.types import Completion, Message
from generation.base import EgressGuard

log = logging.getLogger(__name__)

RETRIED_STATUS = frozenset({408, 409, 429, 500, 502, 503, 504})
CHARS_PER_TOKEN = 3  # no tokenizer for a closed model: a conservative estimate keeps prompts inside its window


class EscalationError(VeilError):
    """The closed API could not answer (unreachable, timed out, refused, malformed)."""

    http_status = 502


class EgressBlocked(VeilError):
    """The guard found personal data outside placeholders; `findings` counts it by type."""

    def __init__(self, findings: dict[str, int]) -> None:
        self.findings = findings
        kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(findings.items()))
        super().__init__(f"the egress guard found personal data in the outbound request ({kinds})")


@dataclass(frozen=True)
class Outbound:
    body: str  # the exact JSON text that leaves
    stream: bool

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.body.encode("utf-8")).hexdigest()


class OpenAICompatibleChat:
    trust = "external"

    def __init__(self, settings: EscalationSettings, guard: EgressGuard,
                 transport: httpx.BaseTransport | None = None, sleep: Callable[[float], None] = time.sleep) -> None:
        if not settings.enabled:
            raise VeilError("escalation is not configured: set escalation.base_url and escalation.model")
        self._settings, self._guard, self._sleep = settings, guard, sleep
        self.name, self.context_window, self.max_tokens = settings.model, settings.context_window, settings.max_tokens
        headers = {"Authorization": f"Bearer {settings.api_key.get_secret_value()}"} if settings.api_key else {}
        self._http = httpx.Client(
            base_url=settings.base_url.rstrip("/") + "/", headers=headers, transport=transport,
            timeout=httpx.Timeout(settings.timeout_s, connect=settings.connect_timeout_s))

    def prompt_tokens(self, messages: Sequence[Message]) -> int:
        return sum(len(m.content) // CHARS_PER_TOKEN + 4 for m in messages)

    def prepare(self, messages: Sequence[Message], stream: bool = False,
                common_words: Collection[str] = ()) -> Outbound:
        """The request body, once the guard has passed every text in it; EgressBlocked otherwise.
        `common_words`: the sources' evidence for the guard (`EgressGuard.findings`)."""
        if findings := self._guard.findings([m.content for m in messages], common_words):
            raise EgressBlocked(findings)
        body = {"model": self.name, "messages": [{"role": m.role, "content": m.content} for m in messages],
                "max_tokens": self.max_tokens, "temperature": self._settings.temperature, "stream": stream}
        return Outbound(json.dumps(body, ensure_ascii=False), stream)

    def send(self, outbound: Outbound) -> Completion:
        response = self._post(outbound)
        try:
            data = response.json()
            text = data["choices"][0]["message"]["content"] or ""
        except (ValueError, KeyError, IndexError, TypeError):
            raise EscalationError(f"the escalation API ({self._host}) answered with an unexpected body") from None
        usage = data.get("usage") or {}
        return Completion(text.strip(), usage.get("prompt_tokens", 0), usage.get("completion_tokens", 0))

    def send_stream(self, outbound: Outbound) -> Iterator[str]:
        if not outbound.stream:
            raise ValueError("prepare the request with stream=True to stream it")
        response = self._post(outbound, stream=True)
        try:
            for data in _sse_data(response.iter_lines()):
                if data == "[DONE]":
                    return
                if piece := _delta(data):
                    yield piece
        except httpx.HTTPError as exc:
            raise EscalationError(f"the escalation API ({self._host}) broke off the stream: "
                                  f"{type(exc).__name__}") from None
        finally:
            response.close()

    def complete(self, messages: Sequence[Message], **opts) -> Completion:
        return self.send(self.prepare(messages))

    def stream(self, messages: Sequence[Message], **opts) -> Iterator[str]:
        return self.send_stream(self.prepare(messages, stream=True))

    def close(self) -> None:
        self._http.close()

    @property
    def _host(self) -> str:
        return httpx.URL(self._settings.base_url).host

    def _post(self, outbound: Outbound, stream: bool = False) -> httpx.Response:
        """POST with retries after timeouts, connection failures, 429 and 5xx; backoff doubles."""
        attempts = self._settings.retries + 1
        for attempt in range(attempts):
            problem = self._attempt(outbound, stream)
            if isinstance(problem, httpx.Response):
                return problem
            retry, why = problem
            if not retry or attempt == attempts - 1:
                raise EscalationError(f"the escalation API ({self._host}) failed: {why}"
                                      + (f" after {attempts} attempts" if retry and attempts > 1 else ""))
            wait = self._settings.backoff_s * 2 ** attempt
            log.warning("escalation attempt %d failed (%s); retrying in %.1fs", attempt + 1, why, wait)
            self._sleep(wait)
        raise AssertionError("unreachable")

    def _attempt(self, outbound: Outbound, stream: bool) -> httpx.Response | tuple[bool, str]:
        request = self._http.build_request("POST", "chat/completions", content=outbound.body.encode("utf-8"),
                                           headers={"Content-Type": "application/json"})
        try:
            response = self._http.send(request, stream=stream)
        except httpx.TimeoutException:
            return True, "timed out"
        except httpx.TransportError as exc:
            return True, f"unreachable ({type(exc).__name__})"
        if response.status_code < 400:
            return response
        if stream:
            response.read()
            response.close()
        return response.status_code in RETRIED_STATUS, f"HTTP {response.status_code}{_error_kind(response)}"


def _error_kind(response: httpx.Response) -> str:
    """The API's error type or code, never its message: a message may echo the request."""
    try:
        error = response.json().get("error") or {}
        kind = error.get("type") or error.get("code") if isinstance(error, dict) else None
    except (ValueError, AttributeError):
        kind = None
    return f" ({str(kind)[:40]})" if kind else ""


def _sse_data(lines: Iterator[str]) -> Iterator[str]:
    for line in lines:
        if line.startswith("data:"):
            yield line[5:].strip()


def _delta(data: str) -> str:
    try:
        choice = json.loads(data)["choices"][0]
    except (ValueError, KeyError, IndexError, TypeError):
        raise EscalationError("the escalation API sent a malformed stream event") from None
    return (choice.get("delta") or {}).get("content") or ""
