"""`veil serve` holds the embedded store; the CLI routes through it instead of failing on the lock."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import SAMPLES
from tests.e2e.conftest import VeilRunner, serving
from tests.e2e.leaks import leaked

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("serve")
    runner = VeilRunner(workdir / ".veil", workdir)
    with serving(runner) as client:
        yield runner, client


def test_cli_ingest_goes_through_the_running_server(server, planted):
    runner, client = server
    proc = runner.run("ingest", str(SAMPLES / "insurance_claim.txt"), str(SAMPLES / "wire_transfer.eml"))
    assert "holds the store" in proc.stderr and str(client.base_url).rstrip("/") in proc.stderr
    docs = client.get("/v1/documents").json()["documents"]
    assert sorted(d["source"].rsplit("/", 1)[-1] for d in docs) == ["insurance_claim.txt", "wire_transfer.eml"]
    again = runner.json("ingest", str(SAMPLES / "insurance_claim.txt"))
    assert again["files"][0]["status"] == "unchanged"


def test_rest_query_upload_export_and_delete(server, planted):
    runner, client = server
    runner.run("ingest", str(SAMPLES / "insurance_claim.txt"))
    upload = client.post("/v1/documents", files=[
        ("files", ("notes.md", b"# Fleet policy\n\nCompany cars are replaced every four years.")),
        ("files", ("broken.pdf", b"%PDF-1.4 not really")),
    ], timeout=120).json()
    statuses = {f["path"]: f["status"] for f in upload["files"]}
    assert statuses == {"notes.md": "ingested", "broken.pdf": "failed"}

    answer = client.post("/v1/query", json={"question": "How often are company cars replaced?",
                                                 "generate": False}, timeout=120).json()
    assert answer["citations"][0]["document"] == "notes.md"

    exported = client.get("/v1/export").text
    assert "four years" in exported
    assert leaked(planted, exported) == []
    cli_export = runner.run("export").stdout
    assert cli_export.count("\n") == exported.count("\n")

    doc_id = upload["files"][0]["doc_id"]
    deleted = client.delete(f"/v1/documents/{doc_id}").json()
    assert deleted["chunks"] >= 1
    assert "four years" not in client.get("/v1/export").text
    assert client.delete(f"/v1/documents/{doc_id}").status_code == 404


def test_openapi_docs_and_health(server):
    _, client = server
    assert client.get("/healthz").json()["status"] == "ok"
    docs = httpx.get(str(client.base_url.join("/docs")))  # the link veil serve prints opens in a browser
    assert docs.status_code == 200 and "/openapi.json" in docs.text
    schema = httpx.get(str(client.base_url.join("/openapi.json"))).json()  # no key: the schema holds no data
    assert schema["components"]["securitySchemes"]["api_key"]["scheme"] == "bearer"  # Authorize asks for one
    assert httpx.get(str(client.base_url.join("/v1/documents"))).status_code == 401
    paths = schema["paths"]
    assert {"/v1/documents", "/v1/documents/{doc_id}", "/v1/query", "/healthz"} <= paths.keys()


def test_the_official_openai_client_against_a_live_server(server):
    from openai import OpenAI

    runner, client = server
    runner.run("ingest", str(SAMPLES / "insurance_claim.txt"))
    user_key = runner.json("keys", "create", "--role", "user", "--name", "e2e")["key"]
    ai = OpenAI(base_url=str(client.base_url.join("/v1")), api_key=user_key)
    question = "What did the body shop estimate it would cost to fix the damaged car?"
    reply = ai.chat.completions.create(model="veil", messages=[{"role": "user", "content": question}])
    assert reply.choices[0].message.content and reply.model_extra["citations"]
    assert reply.model_extra["route"] == "local"
    streamed = ai.chat.completions.create(model="veil", stream=True, messages=[{"role": "user", "content": question}])
    assert "".join(c.choices[0].delta.content or "" for c in streamed) == reply.choices[0].message.content
    auditor_key = runner.json("keys", "create", "--role", "auditor")["key"]
    denied = httpx.post(str(client.base_url.join("/v1/query")), json={"question": question},
                        headers={"Authorization": f"Bearer {auditor_key}"})
    assert denied.status_code == 403 and set(denied.json()) == {"error"}


def test_the_data_dir_is_its_owners_only_while_serving(server):
    """umask 077 in every entry point: SQLite's -wal/-shm, the store's lock, server.json, the log, the keys."""
    import stat

    runner, _ = server
    runner.run("ingest", str(SAMPLES / "insurance_claim.txt"))
    data_dir = runner.data_dir
    found = {p.relative_to(data_dir).as_posix(): stat.S_IMODE(p.lstat().st_mode) for p in data_dir.rglob("*")}
    assert {"server.json", "keys/admin.token", "logs/veil.log", "veil.db-wal", "veil.db-shm", "qdrant/.lock",
            "audit.db"} <= found.keys(), sorted(found)
    assert {name: oct(mode) for name, mode in found.items() if mode & 0o077} == {}
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
