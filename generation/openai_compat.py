"""The escalation client: any OpenAI-compatible `/v1/chat/completions` API, over httpx.

Nothing leaves without the egress guard: `prepare` re-scans the exact texts of a request. Given
the request's pseudonyms, what the guard finds is replaced by tokens of that request (every
occurrence of the value, so the request stays consistent), and the guard reads the result once
more; a finding that survives, or any finding when there are no pseudonyms to use, refuses the
request. Only a prepared `Outbound` can be sent. The `Outbound` holds the exact JSON body, so what
the UI shows, what the audit log hashes and what crossed the wire are the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import time
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass, field

import httpx

from core.errors import VeilError
from core.settings import EscalationSettings
from core.placeholders import PLACEHOLDER
from core.types import Completion, Message
from generation.base import EgressGuard, GuardFindings, Piece, RequestPseudonyms
from generation.streaming import drain

log = logging.getLogger(__name__)

RETRIED_STATUS = frozenset({408, 409, 429, 500, 502, 503, 504})
CHARS_PER_TOKEN = 3  # no tokenizer for a closed model: a conservative estimate keeps prompts inside its window


class EscalationError(VeilError):
    """The closed API could not answer (unreachable, timed out, refused, malformed)."""

    http_status = 502


@dataclass(frozen=True)
class GuardPasses:
    """The egress guard's counts per entity type (never values): `first` on the request as built
    (pseudonymised when pseudonyms were given), `second` on the result (what blocks)."""

    first: dict[str, int] = field(default_factory=dict)
    second: dict[str, int] = field(default_factory=dict)

    def audit(self) -> dict:
        return {"first": dict(sorted(self.first.items())), "second": dict(sorted(self.second.items()))}


class EgressBlocked(VeilError):
    """The guard found personal data it could not pseudonymise; `passes` counts it by type."""

    def __init__(self, passes: GuardPasses, pseudonymised: bool) -> None:
        self.passes = passes
        self.findings = passes.second
        when = " even after pseudonymising it" if pseudonymised else ""
        super().__init__(f"the egress guard found personal data in the outbound request{when}: "
                         f"{describe_counts(passes.second)}")


_KINDS = {  # entity type -> (one, many), for people reading why an answer stayed local
    "PERSON": ("name", "names"), "LOCATION": ("place", "places"),
    "ORGANIZATION": ("organisation", "organisations"), "NRP": ("nationality or group", "nationalities or groups"),
    "EMAIL_ADDRESS": ("e-mail address", "e-mail addresses"), "PHONE_NUMBER": ("phone number", "phone numbers"),
    "STREET_ADDRESS": ("street address", "street addresses"), "DATE_TIME": ("date", "dates"),
    "IBAN_CODE": ("IBAN", "IBANs"), "CREDIT_CARD": ("card number", "card numbers"),
    "US_SSN": ("social security number", "social security numbers"), "AGE": ("age", "ages"),
    "URL": ("web address", "web addresses"), "IP_ADDRESS": ("IP address", "IP addresses"),
}


def describe_counts(counts: dict[str, int]) -> str:
    """"2 places (LOCATION), 1 name (PERSON)": how many of which type, in words, most first."""
    def kind(label: str, n: int) -> str:
        one, many = _KINDS.get(label, (label.lower().replace("_", " "), label.lower().replace("_", " ") + "s"))
        return f"{n} {one if n == 1 else many} ({label})"

    return ", ".join(kind(label, n) for label, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


@dataclass(frozen=True)
class Outbound:
    body: str  # the exact JSON text that leaves
    stream: bool
    guard: GuardPasses = field(default_factory=GuardPasses)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.body.encode("utf-8")).hexdigest()

    @property
    def messages(self) -> list[Message]:
        return [Message(m["role"], m["content"]) for m in json.loads(self.body)["messages"]]


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

    def prepare(self, messages: Sequence[Message], stream: bool = False, evidence: Sequence[Piece] = (),
                pseudonyms: RequestPseudonyms | None = None) -> Outbound:
        """The request body, once the guard has passed every text in it; EgressBlocked otherwise.
        `evidence`: the sources' texts as the last message holds them, each with its document's
        `common_words`, so the guard judges each source with its own evidence. `pseudonyms`: the
        request's book; what the guard finds becomes its tokens and the guard reads the request again."""
        pieces = [[Piece(m.content)] for m in messages]
        if pieces and evidence:
            pieces[-1] = split_sources(messages[-1].content, evidence)
        first = self._findings(pieces)
        second = first
        if first and pseudonyms is not None:
            pieces = pseudonymise_findings(pieces, first, pseudonyms)
            second = self._findings(pieces)
        passes = GuardPasses(dict(first.counts), dict(second.counts) if second else {})
        if second:
            raise EgressBlocked(passes, pseudonymised=pseudonyms is not None)
        contents = ["".join(p.text for p in message_pieces) for message_pieces in pieces]
        body = {"model": self.name, "messages": [{"role": m.role, "content": c} for m, c in zip(messages, contents)],
                "max_tokens": self.max_tokens, "temperature": self._settings.temperature, "stream": stream}
        return Outbound(json.dumps(body, ensure_ascii=False), stream, passes)

    def _findings(self, pieces: list[list[Piece]]) -> GuardFindings:
        return self._guard.findings([p for message_pieces in pieces for p in message_pieces])

    def send(self, outbound: Outbound) -> Generator[str, None, Completion]:
        """The reply's text: its SSE deltas as they arrive when the request streams, else the whole
        reply in one piece. Returns the stripped Completion (token usage where the API reports it)."""
        response = self._post(outbound, stream=outbound.stream)
        if not outbound.stream:
            completion = self._completion(response)
            if completion.text:
                yield completion.text
            return completion
        pieces: list[str] = []
        try:
            for data in _sse_data(response.iter_lines()):
                if data == "[DONE]":
                    break
                if piece := _delta(data):
                    pieces.append(piece)
                    yield piece
        except httpx.HTTPError as exc:
            raise EscalationError(f"the escalation API ({self._host}) broke off the stream: "
                                  f"{type(exc).__name__}") from None
        finally:
            response.close()
        return Completion("".join(pieces).strip())

    def _completion(self, response: httpx.Response) -> Completion:
        try:
            data = response.json()
            text = data["choices"][0]["message"]["content"] or ""
        except (ValueError, KeyError, IndexError, TypeError):
            raise EscalationError(f"the escalation API ({self._host}) answered with an unexpected body") from None
        usage = data.get("usage") or {}
        return Completion(text.strip(), usage.get("prompt_tokens", 0), usage.get("completion_tokens", 0))

    def complete(self, messages: Sequence[Message], **opts) -> Completion:
        return drain(self.send(self.prepare(messages)))

    def stream(self, messages: Sequence[Message], **opts) -> Iterator[str]:
        return self.send(self.prepare(messages, stream=True))

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


def split_sources(content: str, sources: Sequence[Piece]) -> list[Piece]:
    """`content` as pieces: each source text where it occurs (in order) with its evidence, the
    text between and around them with none. A source not found verbatim lends no evidence."""
    pieces: list[Piece] = []
    cursor = 0
    for source in sources:
        at = content.find(source.text, cursor) if source.text else -1
        if at < 0:
            continue
        if at > cursor:
            pieces.append(Piece(content[cursor:at]))
        pieces.append(Piece(source.text, tuple(source.common_words)))
        cursor = at + len(source.text)
    if cursor < len(content) or not pieces:
        pieces.append(Piece(content[cursor:]))
    return pieces


def pseudonymise_findings(pieces: list[list[Piece]], found: GuardFindings,
                          pseudonyms: RequestPseudonyms) -> list[list[Piece]]:
    """Each span the guard found becomes the request's token for its value, and so does every other
    occurrence of that value in the request, outside placeholders (the same value, the same token)."""
    flat = [p for message_pieces in pieces for p in message_pieces]
    tokens: dict[str, str] = {}
    spans: dict[int, list[tuple[int, int, str]]] = {}
    for index, start, end, entity_type in found.spans:
        value = flat[index].text[start:end]
        if value not in tokens:
            tokens[value] = pseudonyms.token(entity_type, value)
        spans.setdefault(index, []).append((start, end, tokens[value]))
    texts = [_splice(p.text, spans.get(i, [])) for i, p in enumerate(flat)]
    texts = [_spread(t, tokens) for t in texts]
    out, n = [], 0
    for message_pieces in pieces:
        out.append([Piece(texts[n + k], p.common_words) for k, p in enumerate(message_pieces)])
        n += len(message_pieces)
    return out


def _splice(text: str, spans: list[tuple[int, int, str]]) -> str:
    for start, end, token in sorted(spans, reverse=True):
        text = text[:start] + token + text[end:]
    return text


def _spread(text: str, tokens: dict[str, str]) -> str:
    values = sorted((v for v in tokens if len(v) >= 3), key=len, reverse=True)
    if not values:
        return text
    pattern = re.compile(rf"{PLACEHOLDER.pattern}|(?<!\w)(?:{'|'.join(map(re.escape, values))})(?!\w)")
    return pattern.sub(lambda m: m.group() if m.group(1) else tokens[m.group()], text)


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
