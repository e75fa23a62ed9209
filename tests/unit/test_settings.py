import pytest

from core.errors import ConfigError
from core.settings import load_settings


def test_defaults_are_the_embedded_stack():
    s = load_settings()
    assert s.store.kind == "qdrant-edge" and s.generation.kind == "llamacpp"
    assert s.api.host == "127.0.0.1" and str(s.data_dir) == ".veil"


def test_env_overrides_nested_keys(monkeypatch):
    monkeypatch.setenv("VEIL_CHUNKING__SIZE", "1200")
    monkeypatch.setenv("VEIL_REDACTION__SCORE_THRESHOLD", "0.6")
    monkeypatch.setenv("VEIL_DATA_DIR", "/tmp/elsewhere")
    s = load_settings()
    assert s.chunking.size == 1200 and s.redaction.score_threshold == 0.6 and str(s.data_dir) == "/tmp/elsewhere"


def test_config_file_is_read_and_env_wins(tmp_path, monkeypatch):
    (tmp_path / "veil.toml").write_text('[retrieval]\ntop_k = 7\nmin_score = 0.4\n')
    monkeypatch.setenv("VEIL_RETRIEVAL__TOP_K", "9")
    s = load_settings()
    assert s.retrieval.top_k == 9 and s.retrieval.min_score == 0.4


@pytest.mark.parametrize("env, key", [
    ({"VEIL_CHUNKING__SIZE": "lots"}, "chunking.size"),
    ({"VEIL_CHUNKING__OVERLAP": "800"}, "chunking"),
    ({"VEIL_REDACTION__SCORE_THRESHOLD": "1.5"}, "redaction.score_threshold"),
    ({"VEIL_STORE__KIND": "sqlite"}, "store.kind"),
])
def test_invalid_values_fail_loudly_naming_the_key(monkeypatch, env, key):
    _refused(monkeypatch, env, key)


def _refused(monkeypatch, env: dict, problem: str) -> ConfigError:
    """Loading these VEIL_* variables fails with `problem` in the message; the error, for more checks."""
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=problem) as error:
        load_settings()
    return error.value


def test_unknown_key_in_config_file_fails(tmp_path):
    (tmp_path / "veil.yaml").write_text("retrieval:\n  top_kk: 3\n")
    with pytest.raises(ConfigError, match="top_kk"):
        load_settings()


def test_missing_explicit_config_file_fails(monkeypatch, tmp_path):
    monkeypatch.setenv("VEIL_CONFIG", str(tmp_path / "nope.toml"))
    with pytest.raises(ConfigError, match="not a file"):
        load_settings()


def test_the_example_config_in_deploy_is_valid(monkeypatch):
    from pathlib import Path

    example = Path(__file__).resolve().parents[2] / "deploy" / "veil.example.toml"
    monkeypatch.setenv("VEIL_CONFIG", str(example))
    s = load_settings()
    assert s.redaction.operators == {"CREDIT_CARD": "mask", "US_SSN": "mask"} and not s.vault.enabled


@pytest.mark.parametrize("env, problem", [
    ({"VEIL_STORE__KIND": "qdrant"}, "store.kind qdrant needs store.url"),
    ({"VEIL_STORE__KIND": "qdrant", "VEIL_STORE__URL": "qdrant:6333"}, r"must be an http\(s\) URL"),
    ({"VEIL_STORE__URL": "http://qdrant:6333"}, "store.url and store.api_key are for store.kind qdrant"),
    ({"VEIL_STORE__KIND": "qdrant", "VEIL_STORE__URL": "http://qdrant:6333"}, "needs audit.key"),
    ({"VEIL_STORE__KIND": "qdrant-cluster"}, "store.kind"),
    ({"VEIL_STORE__KIND": "qdrant", "VEIL_STORE__URL": "http://qdrant:6333", "VEIL_STORE__API_KEY": "k",
      "VEIL_AUDIT__KEY": "k" * 64}, "would travel in clear text"),
])
def test_a_server_store_is_configured_completely_or_refused(monkeypatch, env, problem):
    _refused(monkeypatch, env, problem)


def test_a_server_store_with_its_url_and_the_audit_key_is_valid(monkeypatch):
    monkeypatch.setenv("VEIL_STORE__KIND", "qdrant")
    monkeypatch.setenv("VEIL_STORE__URL", "http://qdrant:6333")
    monkeypatch.setenv("VEIL_AUDIT__KEY", "k" * 64)
    settings = load_settings()
    assert settings.store.url == "http://qdrant:6333" and settings.store.api_key is None


def test_an_unreachable_qdrant_server_stops_veil_naming_the_url_without_its_credentials():
    from retrieval.qdrant_server import QdrantServerStore

    with pytest.raises(ConfigError, match=r"store.url http://127.0.0.1:9: the Qdrant server cannot be reached"):
        QdrantServerStore.connect("http://127.0.0.1:9", timeout_s=2)
    with pytest.raises(ConfigError) as error:
        QdrantServerStore.connect("http://admin:s3cret@127.0.0.1:9", timeout_s=2)
    assert "s3cret" not in str(error.value) and "http://127.0.0.1:9" in str(error.value)


def test_evaluations_use_an_embedded_store_even_when_the_real_one_is_a_server(monkeypatch, tmp_path):
    from api.wiring import throwaway_settings

    monkeypatch.setenv("VEIL_STORE__KIND", "qdrant")
    monkeypatch.setenv("VEIL_STORE__URL", "https://qdrant.example.org")
    monkeypatch.setenv("VEIL_STORE__API_KEY", "k")
    monkeypatch.setenv("VEIL_AUDIT__KEY", "k" * 64)
    monkeypatch.setenv("VEIL_QUEUE__URL", "redis://redis:6379/0")
    monkeypatch.setenv("VEIL_STATE__URL", "postgresql://veil@postgres/veil")
    throwaway = throwaway_settings(load_settings(), tmp_path)
    assert throwaway.store.kind == "qdrant-edge" and throwaway.store.url is None and throwaway.data_dir == tmp_path
    assert throwaway.queue.url is None and throwaway.state.url is None  # nor the shared queue and database


@pytest.mark.parametrize("env, problem", [
    ({"VEIL_QUEUE__URL": "http://redis:6379"}, "must be a redis:// or rediss:// URL"),
    ({"VEIL_STATE__URL": "mysql://db/veil"}, "must be a postgresql:// URL"),
    ({"VEIL_QUEUE__URL": "redis://redis:6379/0"}, r"shared mode \(queue.url\) needs audit.key"),
    ({"VEIL_STATE__URL": "postgresql://veil@db/veil"}, r"shared mode \(state.url\) needs audit.key"),
    ({"VEIL_QUEUE__NOPE": "1"}, "queue.nope"),
    ({"VEIL_STATE__HOST": "db"}, "state.host"),
    ({"VEIL_QUEUE__MAX_ATTEMPTS": "0", "VEIL_AUDIT__KEY": "k" * 64}, "queue.max_attempts"),
    ({"VEIL_QUEUE__URL": "redis://admin:s3cret@redis", "VEIL_STATE__URL": "postgresql://veil:pw@db/veil",
      "VEIL_AUDIT__KEY": "k" * 64, "VEIL_QUEUE__REDELIVERY_S": "1"}, "queue.redelivery_s"),
])
def test_a_queue_and_a_shared_database_are_configured_completely_or_refused(monkeypatch, env, problem):
    assert "s3cret" not in str(_refused(monkeypatch, env, problem))


def test_queue_and_state_urls_with_the_audit_key_are_valid(monkeypatch):
    monkeypatch.setenv("VEIL_QUEUE__URL", "redis://redis:6379/0")
    monkeypatch.setenv("VEIL_STATE__URL", "postgresql://veil@postgres:5432/veil")
    monkeypatch.setenv("VEIL_AUDIT__KEY", "k" * 64)
    settings = load_settings()
    assert settings.shared and settings.queue.max_attempts == 3 and settings.queue.redelivery_s == 60


def test_config_show_prints_no_password_of_a_url(monkeypatch):
    import json

    from typer.testing import CliRunner

    from api.cli import app

    monkeypatch.setenv("VEIL_QUEUE__URL", "redis://admin:s3cret@redis:6379/0")
    monkeypatch.setenv("VEIL_STATE__URL", "postgresql://veil:pw1@db/veil?password=pw2")
    monkeypatch.setenv("VEIL_AUDIT__KEY", "k" * 64)
    shown = CliRunner().invoke(app, ["config", "show", "--json"])
    assert shown.exit_code == 0 and not {"s3cret", "pw1", "pw2", "k" * 64} & set(shown.output.split('"'))
    assert "s3cret" not in shown.output and "pw1" not in shown.output and "pw2" not in shown.output
    assert json.loads(shown.output)["queue"]["url"] == "redis://redis:6379/0"
