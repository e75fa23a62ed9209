"""API keys, roles and groups on every route; limits; the error shape; `veil keys`."""

from __future__ import annotations

import json
import stat

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.app import create_app
from api.auth.keystore import KeyStore
from api.auth.limits import KeyLimiter
from api.auth.principals import read_admin_token, write_admin_token
from api.cli import app as cli
from core.errors import RateLimitedError
from tests.unit.helpers import fake_veil

ADMIN = "veil_admin_test-token"
HR_NOTE = b"Salaries are reviewed every April by the board."
PUBLIC_NOTE = b"The canteen opens at eight in the morning."


@pytest.fixture
def api(tmp_path):
    veil = fake_veil(tmp_path / "data", retrieval={"min_score": 0.01},
                     api={"max_in_flight_per_key": 64, "requests_per_minute_per_key": 1200})
    keys = KeyStore(tmp_path / "data" / "veil.db")
    with TestClient(create_app(veil, ADMIN)) as client:
        admin = {"Authorization": f"Bearer {ADMIN}"}
        client.post("/v1/documents", headers=admin, files={"files": ("hr.txt", HR_NOTE)}, data={"groups": ["hr"]})
        client.post("/v1/documents", headers=admin, files={"files": ("canteen.txt", PUBLIC_NOTE)})
        yield client, keys
    keys.close()
    veil.close()


def bearer(keys: KeyStore, role: str, *groups: str) -> dict:
    secret, _ = keys.create(role, groups)
    return {"Authorization": f"Bearer {secret}"}


def test_no_unknown_or_revoked_key_is_401_with_the_error_shape(api):
    client, keys = api
    secret, key = keys.create("user")
    for headers in ({}, {"Authorization": "Bearer veil_nope"}, {"Authorization": f"Basic {secret}"}):
        response = client.post("/v1/query", json={"question": "when?"}, headers=headers)
        assert response.status_code == 401 and set(response.json()) == {"error"}
        assert response.headers["www-authenticate"] == "Bearer"
    assert client.post("/v1/query", json={"question": "when?"},
                       headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    keys.revoke(key.id)
    assert client.post("/v1/query", json={"question": "when?"},
                       headers={"Authorization": f"Bearer {secret}"}).status_code == 401


@pytest.mark.parametrize("role, method, path, allowed", [
    ("user", "post", "/v1/documents", False), ("user", "delete", "/v1/documents/x", False),
    ("user", "get", "/v1/export", False), ("user", "post", "/v1/query", True),
    ("auditor", "post", "/v1/query", False), ("auditor", "get", "/v1/documents", False),
    ("auditor", "get", "/v1/export", False), ("admin", "get", "/v1/export", True),
])
def test_each_role_reaches_only_its_routes(api, role, method, path, allowed):
    client, keys = api
    kwargs = {"json": {"question": "when?"}} if path == "/v1/query" else {}
    if method == "post" and path == "/v1/documents":
        kwargs = {"files": {"files": ("x.txt", PUBLIC_NOTE)}}
    response = getattr(client, method)(path, headers=bearer(keys, role), **kwargs)
    assert (response.status_code != 403) == allowed, response.text
    if not allowed:
        assert set(response.json()) == {"error"} and "this needs the role" in response.json()["error"]


def test_users_read_only_the_documents_of_their_groups(api):
    client, keys = api
    outsider, hr = bearer(keys, "user"), bearer(keys, "user", "hr")
    listed = lambda h: sorted(d["source"] for d in client.get("/v1/documents", headers=h).json()["documents"])
    assert listed(outsider) == ["canteen.txt"] and listed(hr) == ["canteen.txt", "hr.txt"]
    ask = lambda h: client.post("/v1/query", headers=h, json={"question": "When are salaries reviewed?",
                                                               "generate": False}).json()
    assert all(c["source"] != "hr.txt" for c in ask(outsider)["citations"])
    assert any(c["source"] == "hr.txt" for c in ask(hr)["citations"])


def test_docs_and_schema_are_public_and_ask_for_the_key_the_routes_need(api):
    client, keys = api
    page = client.get("/docs")  # a browser opens the link `veil serve` prints, with no key to send
    assert page.status_code == 200 and "/openapi.json" in page.text
    schema = client.get("/openapi.json").json()  # routes and shapes only: no data
    assert "/v1/query" in schema["paths"]
    assert schema["components"]["securitySchemes"]["api_key"] == {
        "type": "http", "scheme": "bearer", "description": schema["components"]["securitySchemes"]["api_key"]["description"]}
    assert schema["paths"]["/v1/query"]["post"]["security"] == [{"api_key": []}]  # Swagger's Authorize applies
    assert "security" not in schema["paths"]["/healthz"]["get"]
    assert client.get("/openapi.json", headers=bearer(keys, "auditor")).json() == schema
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json()["status"] == "ready"


def test_errors_are_one_shape_with_no_trace(api):
    client, keys = api
    admin = {"Authorization": f"Bearer {ADMIN}"}
    assert client.delete("/v1/documents/nope", headers=admin).json() == {"error": "no document with id nope"}
    invalid = client.post("/v1/query", headers=admin, json={"question": ""})
    assert invalid.status_code == 422 and invalid.json()["error"].startswith("invalid request: body.question")
    missing = client.get("/v1/nothing-here", headers=admin)
    assert missing.status_code == 404 and set(missing.json()) == {"error"}


def test_limits_per_key_in_flight_and_per_minute():
    now = [0.0]
    limiter = KeyLimiter(max_in_flight=2, per_minute=3, clock=lambda: now[0])
    with limiter.hold("a"), limiter.hold("a"):
        with pytest.raises(RateLimitedError, match="in flight"):
            limiter.hold("a").__enter__()
        with limiter.hold("b"):  # another key is not held back
            pass
    with limiter.hold("a"):  # the third request of the minute (the refused one took none)
        pass
    with pytest.raises(RateLimitedError, match="this minute"):
        limiter.hold("a").__enter__()  # the fourth
    now[0] = 20.0  # a third of a minute refills one request
    with limiter.hold("a"):
        pass


def test_fifty_concurrent_queries_fit_the_default_limits():
    limiter = KeyLimiter(max_in_flight=64, per_minute=1200)
    holds = [limiter.hold("k") for _ in range(50)]
    for hold in holds:
        hold.__enter__()
    for hold in holds:
        hold.__exit__(None, None, None)


def test_admin_token_is_private_to_its_owner(tmp_path):
    token = write_admin_token(tmp_path)
    path = tmp_path / "keys" / "admin.token"
    assert read_admin_token(tmp_path) == token and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert write_admin_token(tmp_path) != token  # each server start makes a new one


def test_keys_cli_prints_a_key_once_and_stores_only_its_hash(tmp_path, monkeypatch):
    monkeypatch.setenv("VEIL_DATA_DIR", str(tmp_path / "data"))
    runner = CliRunner()
    created = runner.invoke(cli, ["keys", "create", "--role", "user", "--groups", "finance", "--name", "ana", "--json"])
    assert created.exit_code == 0, created.output
    key = json.loads(created.output)
    assert key["key"].startswith("veil_") and key["id"]
    listed = json.loads(runner.invoke(cli, ["keys", "list", "--json"]).output)["keys"]
    assert listed == [{"id": key["id"], "name": "ana", "role": "user", "groups": ["finance"],
                       "created_at": listed[0]["created_at"], "revoked": False}]
    assert key["key"].encode() not in (tmp_path / "data" / "veil.db").read_bytes()
    assert runner.invoke(cli, ["keys", "revoke", key["id"]]).exit_code == 0
    assert json.loads(runner.invoke(cli, ["keys", "list", "--json"]).output)["keys"][0]["revoked"] is True
    again = runner.invoke(cli, ["keys", "revoke", key["id"]])
    assert again.exit_code == 1 and "already revoked" in again.output
    bad = runner.invoke(cli, ["keys", "create", "--role", "root"])
    assert bad.exit_code == 1 and "role must be one of" in bad.output


def test_auditors_read_the_audit_log_over_rest_and_users_cannot(api):
    client, keys = api
    auditor, user = bearer(keys, "auditor"), bearer(keys, "user")
    verified = client.get("/v1/audit/verify", headers=auditor).json()
    assert verified["ok"] is True and verified["events"] > 0
    report = client.get("/v1/audit/report", headers=auditor).json()
    assert report["events"]["document.ingested"] == 2
    found = client.post("/v1/audit/search", headers=auditor, json={"value": "nobody@example.com"}).json()
    assert found == {"found": False, "matches": []}
    ingested = client.get("/v1/audit/events", headers=auditor, params={"kind": "document.ingested", "limit": 1}).json()
    assert ingested["total"] == 2 and len(ingested["events"]) == 1 and ingested["events"][0]["kind"] == "document.ingested"
    assert client.get("/v1/audit/events", headers=auditor, params={"since": "2999-01-01"}).json()["total"] == 0
    for path in ("/v1/audit/verify", "/v1/audit/report", "/v1/audit/events"):
        assert client.get(path, headers=user).status_code == 403
    assert client.post("/v1/audit/search", headers=user, json={"value": "x"}).status_code == 403


def test_an_audit_search_finds_a_redacted_value_by_its_hmac(api):
    client, keys = api
    admin = {"Authorization": f"Bearer {ADMIN}"}
    client.post("/v1/documents", headers=admin, files={"files": ("mail.txt", b"Write to ana.h@example.org today.")})
    found = client.post("/v1/audit/search", headers=bearer(keys, "auditor"), json={"value": "ana.h@example.org"}).json()
    assert found["found"] and found["matches"][0]["entity_type"] == "EMAIL_ADDRESS"
    assert found["matches"][0]["source"] == "mail.txt"


def test_metrics_count_requests_ingest_redactions_and_answers_for_key_holders(api):
    client, keys = api
    user = bearer(keys, "user")
    client.post("/v1/query", headers=user, json={"question": "When does the canteen open?"})
    assert client.get("/metrics").status_code == 401
    text = client.get("/metrics", headers=user).text
    assert 'veil_requests_total{method="POST",route="/v1/query",status="200"} 1.0' in text
    assert 'veil_ingested_files_total{status="ingested"} 2.0' in text
    assert 'veil_answers_total{mode="extractive",route="local"} 1.0' in text
    assert "veil_request_seconds_bucket" in text and "canteen" not in text


def test_the_page_and_its_files_are_public_and_me_needs_a_key(api):
    client, keys = api
    page = client.get("/")
    assert page.status_code == 200 and "/ui/app.js" in page.text and "http" not in page.text.split("<body>")[0]
    assert client.get("/ui/app.js").status_code == 200 and client.get("/ui/style.css").status_code == 200
    assert client.get("/v1/me").status_code == 401
    assert client.get("/v1/me", headers=bearer(keys, "user", "hr")).json()["groups"] == ["everyone", "hr"]
    schema = client.get("/openapi.json", headers=bearer(keys, "user")).json()["paths"]
    assert "/" not in schema and not any(p.startswith("/ui") for p in schema)


def test_every_route_declares_its_response_model_and_collections_are_listed(api):
    client, keys = api
    schema = client.get("/openapi.json", headers=bearer(keys, "admin")).json()
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            content = operation["responses"]["200"]["content"]
            declared = content.get("application/json", {}).get("schema", {}).get("$ref")
            assert declared or path == "/v1/export" and "application/x-ndjson" in content, (method, path)
    listed = client.get("/v1/collections", headers={"Authorization": f"Bearer {ADMIN}"}).json()
    assert listed == {"collections": [{"name": "default", "chunks": 2, "documents": 2}]}
    assert client.get("/v1/collections", headers=bearer(keys, "user")).status_code == 403


STREAMING = {("/v1/query", "post"): "text/event-stream", ("/v1/chat/completions", "post"): "text/event-stream",
             ("/v1/export", "get"): "application/x-ndjson"}


def test_the_openapi_document_describes_every_response(api):
    """Each operation's success response names its schema (a component of api.schemas); a streaming one
    also declares its media type, and the export its line's schema."""
    client, _ = api
    schema = client.get("/openapi.json").json()
    components = schema["components"]["schemas"]
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            success = [operation["responses"][code] for code in ("200", "201") if code in operation["responses"]]
            assert success, (method, path)
            content = success[0]["content"]
            ref = content.get("application/json", {}).get("schema", {}).get("$ref", "")
            if (path, method) == ("/v1/export", "get"):
                line = content["application/x-ndjson"]["schema"]
                assert list(line["properties"]) == ["chunk_id", "text", "metadata"], line
                continue
            assert ref.removeprefix("#/components/schemas/") in components, (method, path, content)
            if (path, method) in STREAMING:
                assert STREAMING[path, method] in content, (method, path)
    answer = components["AnswerOut"]["properties"]
    assert list(answer) == ["answer", "route", "mode", "reason", "citations", "outbound"]
    assert components["Verification"]["required"] == ["ok", "events", "first_bad_seq", "problem", "head"]


def test_the_api_docs_load_nothing_from_outside(api):
    client, keys = api
    page = client.get("/docs", headers=bearer(keys, "user")).text
    assert "/docs-assets/swagger-ui-bundle.js" in page and "cdn" not in page.lower()
    assert "https://" not in page and "http://" not in page
    assert client.get("/docs-assets/swagger-ui-bundle.js").status_code == 200


def test_each_query_is_audited_with_the_key_that_asked(api):
    client, keys = api
    secret, key = keys.create("user", ("hr",), "ana")
    client.post("/v1/query", headers={"Authorization": f"Bearer {secret}"}, json={"question": "When are salaries reviewed?"})
    events = client.get("/v1/audit/events", headers={"Authorization": f"Bearer {ADMIN}"}, params={"kind": "query"}).json()
    assert events["events"][0]["payload"]["principal"] == key.id
