"""The deployment files (deploy/) against the code: no Docker needed, only the files as text and YAML."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from pydantic import BaseModel

from core.errors import ConfigError
from core.settings import Settings, load_settings

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
COMPOSE_TEXT = (DEPLOY / "docker-compose.yml").read_text()
COMPOSE = yaml.safe_load(COMPOSE_TEXT)
SERVICES = COMPOSE["services"]
DOCKERFILE = (DEPLOY / "Dockerfile").read_text()
README = (DEPLOY / "README.md").read_text()
VEIL_NAME = re.compile(r"\bVEIL_[A-Z0-9_]+")
INTERPOLATION = re.compile(r"\$\{(\w+)(?:(:-|:\?)([^}]*))?\}")
SECRETS_REQUIRED = ("VEIL_AUDIT__KEY", "POSTGRES_PASSWORD")


def names_a_setting(name: str, model: type[BaseModel] = Settings) -> bool:
    """`VEIL_A__B` is field `b` of section `a`; `VEIL_DATA_DIR` a top-level field; never a whole section."""
    if not name.startswith("VEIL_"):
        return False
    head, *rest = name.removeprefix("VEIL_").lower().split("__")
    field = model.model_fields.get(head)
    if field is None:
        return False
    section = isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel)
    if not rest:
        return not section
    return section and names_a_setting("VEIL_" + "__".join(rest).upper(), field.annotation)


def compose_veil_names() -> set[str]:
    return set(VEIL_NAME.findall(COMPOSE_TEXT))


def test_the_setting_name_checker_rejects_made_up_names():
    assert names_a_setting("VEIL_DATA_DIR") and names_a_setting("VEIL_STORE__URL")
    assert names_a_setting("VEIL_ESCALATION__AUTO__MIN_TOP_SCORE")
    assert not names_a_setting("VEIL_QUEUE__NOPE")
    assert not names_a_setting("VEIL_NOPE")
    assert not names_a_setting("VEIL_STORE")  # a section, not a setting
    assert not names_a_setting("VEIL_DATA_DIR__X")


def test_the_five_services():
    assert set(SERVICES) == {"api", "worker", "qdrant", "redis", "postgres"}


def test_api_and_worker_share_one_environment_and_read_the_share_at_one_path():
    api, worker = SERVICES["api"], SERVICES["worker"]
    # safe_load builds an anchor once: the same object means the same anchor, not two copies.
    assert api["environment"] is worker["environment"] is COMPOSE["x-veil-env"]
    for service in (api, worker):
        assert any(v.endswith(":/share:ro") for v in service["volumes"]), service
    assert api["image"] == worker["image"]
    assert worker["command"][:2] == ["veil", "worker"]
    assert api["command"][:2] == ["veil", "serve"]


def test_every_veil_variable_is_a_real_setting():
    names = compose_veil_names()
    assert {"VEIL_STORE__KIND", "VEIL_QUEUE__URL", "VEIL_STATE__URL", "VEIL_AUDIT__KEY"} <= names
    assert sorted(n for n in names if not names_a_setting(n)) == []


def test_every_veil_variable_is_in_the_readme_table():
    table = "\n".join(line for line in README.splitlines() if line.startswith("|"))
    assert sorted(compose_veil_names() - set(VEIL_NAME.findall(table))) == []


def test_required_secrets_stop_compose_when_missing():
    uses = [(name, op) for name, op, _ in INTERPOLATION.findall(COMPOSE_TEXT) if name in SECRETS_REQUIRED]
    assert {name for name, _ in uses} == set(SECRETS_REQUIRED)
    assert all(op == ":?" for _, op in uses), uses


def test_the_compose_environment_is_a_valid_configuration(monkeypatch):
    """Secrets filled in, defaults taken: Veil accepts what compose hands it; a key over http it refuses."""
    given = {"VEIL_AUDIT__KEY": "ab" * 32, "POSTGRES_PASSWORD": "secret"}

    def resolve(value: str) -> str:
        return INTERPOLATION.sub(lambda m: given.get(m[1], m[3] if m[2] == ":-" else ""), str(value))

    for name, value in COMPOSE["x-veil-env"].items():
        monkeypatch.setenv(name, resolve(value))
    settings = load_settings()
    assert settings.store.kind == "qdrant" and settings.queue.max_attempts == 3 and settings.queue.redelivery_s == 60
    assert settings.state.url == "postgresql://veil:secret@postgres:5432/veil" and str(settings.data_dir) == "/data"
    monkeypatch.setenv("VEIL_STORE__API_KEY", "k" * 32)
    with pytest.raises(ConfigError, match="clear text"):
        load_settings()


def test_dockerfile_runs_offline_as_a_user():
    users = re.findall(r"^USER\s+(\S+)", DOCKERFILE, re.MULTILINE)
    assert users and all(u.split(":")[0] not in {"root", "0"} for u in users)
    assert re.search(r"\bHF_HUB_OFFLINE=1\b", DOCKERFILE) and re.search(r"\bTRANSFORMERS_OFFLINE=1\b", DOCKERFILE)
    assert re.search(r"\bVEIL_DATA_DIR=/data\b", DOCKERFILE)
    assert 'CMD ["veil", "serve", "--host", "0.0.0.0", "--port", "8000"]' in DOCKERFILE


def test_redis_keeps_its_queue_across_restarts():
    command = SERVICES["redis"]["command"]
    assert command[command.index("--appendonly") + 1] == "yes"


def test_backend_is_internal_and_only_the_api_is_published():
    assert COMPOSE["networks"]["backend"]["internal"] is True
    assert [n for n, s in SERVICES.items() if "ports" in s] == ["api"]
    assert "frontend" in SERVICES["api"]["networks"]
    for name in ("worker", "qdrant", "redis", "postgres"):
        assert SERVICES[name]["networks"] == ["backend"], name


def test_images_are_pinned():
    for name, service in SERVICES.items():
        image = service["image"]
        tag = image.rpartition("/")[2].partition(":")[2]
        assert tag and tag != "latest", f"{name}: {image}"


def test_services_wait_for_healthy_backends_and_restart():
    for name in ("api", "worker"):
        assert {k: v["condition"] for k, v in SERVICES[name]["depends_on"].items()} == dict.fromkeys(
            ("qdrant", "redis", "postgres"), "service_healthy")
    for name, service in SERVICES.items():
        assert service["restart"] == "unless-stopped", name
        assert name == "worker" or "healthcheck" in service, name
