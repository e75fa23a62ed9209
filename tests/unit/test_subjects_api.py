"""`/v1/subjects/...` and the web page's view of them: roles, values in the body only and never echoed.
Invented people only."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.auth.keystore import KeyStore
from tests.unit.test_subjects import FILES, PERSON, REASON, share, vault_veil  # noqa: F401 (fixture)

ADMIN_TOKEN = "veil_admin_test-token"


@pytest.fixture
def veil(tmp_path):
    built = vault_veil(tmp_path / "data")
    yield built
    built.close()


@pytest.fixture
def client(veil):
    keys = KeyStore(veil.settings.data_dir / "veil.db")
    with TestClient(create_app(veil, ADMIN_TOKEN)) as c:
        c.keys = keys
        yield c
    keys.close()


def _key(client, role: str) -> dict:
    secret, _ = client.keys.create(role, ())
    return {"Authorization": f"Bearer {secret}"}


def _upload(client, share: Path) -> dict[str, str]:
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    files = [("files", (name, (share / name).read_bytes())) for name in sorted(FILES)]
    body = client.post("/v1/documents", headers=admin, files=files).json()
    return {f["path"]: f["doc_id"] for f in body["files"]}


def test_rest_find_forget_and_allow_with_their_roles(client, share):
    ids = _upload(client, share)
    auditor, admin, user = _key(client, "auditor"), _key(client, "admin"), _key(client, "user")
    found = client.post("/v1/subjects/find", headers=auditor, json={"values": [PERSON]})
    assert found.status_code == 200
    assert sorted(d["doc_id"] for d in found.json()["documents"]) == sorted([ids["letter.txt"], ids["note.txt"]])
    assert set(found.json()["documents"][0]) == {"doc_id", "source", "collection", "chunks", "labels"}
    assert client.post("/v1/subjects/find", headers=user, json={"values": [PERSON]}).status_code == 403
    refused = client.post("/v1/subjects/forget", headers=auditor, json={"values": [PERSON], "reason": REASON})
    assert refused.status_code == 403

    forgotten = client.post("/v1/subjects/forget", headers=admin, json={"values": [PERSON], "reason": REASON})
    assert forgotten.status_code == 200 and len(forgotten.json()["documents"]) == 2
    assert client.post("/v1/subjects/find", headers=auditor, json={"values": [PERSON]}).json() == {"documents": []}
    again = _upload(client, share)
    assert again == ids
    statuses = client.post("/v1/documents", headers=admin,
                           files={"files": ("note.txt", (share / "note.txt").read_bytes())}).json()["files"]
    assert statuses[0]["status"] == "erased"

    allow = {"doc_id": ids["note.txt"], "reason": "the erasure request was withdrawn"}
    assert client.post("/v1/subjects/allow", headers=auditor, json=allow).status_code == 403
    assert client.post("/v1/subjects/allow", headers=admin, json=allow).json()["doc_id"] == ids["note.txt"]
    assert client.post("/v1/subjects/allow", headers=admin, json=allow).status_code == 404


def test_rest_never_takes_values_in_the_url_nor_echoes_them(client, share):
    _upload(client, share)
    admin = _key(client, "admin")
    in_url = client.post(f"/v1/subjects/find?value={PERSON}", headers=admin, json={"values": [PERSON]})
    too_long = client.post("/v1/subjects/find", headers=admin, json={"values": [PERSON * 100]})
    no_reason = client.post("/v1/subjects/forget", headers=admin, json={"values": [PERSON]})
    extra = client.post("/v1/subjects/find", headers=admin, json={"values": [PERSON], "name": PERSON})
    for response in (in_url, too_long, no_reason, extra):
        assert response.status_code == 422 and PERSON not in response.text
    assert client.get("/v1/documents", headers=admin).json()["documents"]  # nothing was removed


def test_the_web_page_offers_the_requests_in_its_audit_section():
    ui = Path(__file__).resolve().parents[2] / "api" / "ui"
    page, script = (ui / "index.html").read_text(), (ui / "app.js").read_text()
    audit = page[page.index('<section id="audit"'):]
    assert 'id="subject-form"' in audit and 'id="subject-forget"' in audit
    assert '"/v1/subjects/find"' in script and '"/v1/subjects/forget"' in script
    assert "?values" not in script and "subjects/find?" not in script  # the values go in the body
