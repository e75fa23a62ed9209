"""What the REST API refuses, and when: bodies before they are read (no live key: 401; too big: 413),
unknown fields and query parameters (422), invalid collections, groups and dates (422), unknown models
on the OpenAI endpoint (404); and an upload that takes its time never holds up a query."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import anyio
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.auth.keystore import KeyStore
from tests.fakes import TextParser
from tests.unit.helpers import fake_veil

ADMIN = "veil_admin_input-token"
AUTH = {"Authorization": f"Bearer {ADMIN}"}
TEXT = b"Refunds are issued within 14 days. Questions go to refunds.desk@example.com."


@pytest.fixture
def veil(tmp_path):
    veil = fake_veil(tmp_path / "data", retrieval={"min_score": 0.01}, api={"max_body_kb": 4, "max_upload_mb": 1})
    yield veil
    veil.close()


@pytest.fixture
def client(veil):
    with TestClient(create_app(veil, ADMIN), headers=AUTH) as c:
        yield c


def upload(client, name="refunds.txt", data=TEXT, **form):
    return client.post("/v1/documents", files={"files": (name, data)}, data=form)


# -- bodies: a live key first, then a size, before a byte is read ----------------------------------------


FILE_PART = b'--b\r\nContent-Disposition: form-data; name="files"; filename="a.txt"\r\n\r\n'


def call(app, path: str, headers: dict[str, str], body_chunks: int | None,
         prefix: bytes = b"") -> tuple[int, dict, bytes, int]:
    """One POST through the ASGI app: `prefix`, then 64 KB chunks, `body_chunks` of them (None: without
    end). Returns the status, headers, body and how many chunks the app read."""
    read = [0]

    async def receive():
        read[0] += 1
        more = body_chunks is None or read[0] < body_chunks
        return {"type": "http.request", "body": (prefix if read[0] == 1 else b"") + b"x" * 65_536, "more_body": more}

    sent = []

    async def send(message):
        sent.append(message)

    raw = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "", "headers": raw,
             "client": ("127.0.0.1", 9), "server": ("testserver", 80)}
    anyio.run(app, scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], {k.decode(): v.decode() for k, v in start["headers"]}, body, read[0]


def test_without_a_live_key_no_byte_of_a_body_is_read(veil, tmp_path):
    app = create_app(veil, ADMIN)
    keys = KeyStore(tmp_path / "data" / "veil.db")
    secret, key = keys.create("admin")
    keys.revoke(key.id)
    for auth in ({}, {"Authorization": "Bearer veil_nope"}, {"Authorization": f"Bearer {secret}"},
                 {"Authorization": f"Basic {ADMIN}"}):
        for length in ({"Content-Length": str(100_000_000)}, {"Transfer-Encoding": "chunked"}):
            status, headers, body, read = call(app, "/v1/documents", auth | length, None)
            assert (status, read) == (401, 0), (auth, length)
            assert headers["www-authenticate"] == "Bearer" and headers["connection"] == "close"
            assert body.startswith(b'{"error":') and (b"API key" in body)
    keys.close()


def test_a_declared_body_over_the_limit_is_refused_unread_and_a_chunked_one_as_it_passes_it(veil):
    app = create_app(veil, ADMIN)
    status, headers, body, read = call(app, "/v1/query", AUTH | {"Content-Length": "5000",
                                                                 "Content-Type": "application/json"}, None)
    assert (status, read) == (413, 0) and headers["connection"] == "close"
    assert body == b'{"error":"the request body is over the 4 KB limit (api.max_body_kb)"}'
    status, _, body, read = call(app, "/v1/query", AUTH | {"Transfer-Encoding": "chunked",
                                                           "Content-Type": "application/json"}, None)
    assert (status, read) == (413, 1) and b"api.max_body_kb" in body  # one 64 KB chunk is over 4 KB
    status, _, body, read = call(app, "/v1/documents", AUTH | {"Transfer-Encoding": "chunked",
                                                               "Content-Type": "multipart/form-data; boundary=b"},
                                 None, FILE_PART)
    assert status == 413 and read == 1_004_000 // 65_536 + 1  # 1 MB of files + 4 KB of fields, then no more
    assert body == b'{"error":"the upload is over the 1 MB limit (api.max_upload_mb)"}'


def test_uploads_and_questions_within_their_limits_pass_and_beyond_them_get_413(client):
    assert upload(client, data=TEXT + b" " * 900_000).json()["files"][0]["status"] == "ingested"
    too_big = upload(client, "big.txt", data=b"y" * 1_100_000)
    assert too_big.status_code == 413 and too_big.json() == {"error": "the upload is over the 1 MB limit (api.max_upload_mb)"}
    assert client.post("/v1/query", json={"question": "How long?", "generate": False}).status_code == 200
    long = client.post("/v1/query", json={"question": "x" * 3999, "history": [{"role": "user", "content": "y" * 2000}]})
    assert long.status_code == 413 and long.json()["error"].endswith("(api.max_body_kb)")


def test_a_request_with_a_body_still_meets_the_rate_limits_and_roles(client, tmp_path):
    keys = KeyStore(tmp_path / "data" / "veil.db")
    secret, _ = keys.create("auditor")
    refused = client.post("/v1/query", headers={"Authorization": f"Bearer {secret}"}, json={"question": "why?"})
    assert refused.status_code == 403 and "this needs the role" in refused.json()["error"]
    keys.close()


# -- unknown fields and query parameters -------------------------------------------------------------------


@pytest.mark.parametrize("path, body, field", [
    ("/v1/query", {"question": "How long?", "top-k": 3}, "body.top-k"),
    ("/v1/query", {"question": "How long?", "history": [{"role": "user", "content": "hi", "name": "x"}]},
     "body.history.0.name"),
    ("/v1/audit/search", {"value": "a@example.com", "exact": True}, "body.exact"),
])
def test_veils_own_bodies_refuse_unknown_fields(client, path, body, field):
    response = client.post(path, json=body)
    assert response.status_code == 422 and response.json()["error"].startswith(f"invalid request: {field}: Extra")


def test_the_upload_form_refuses_unknown_fields_before_reading_a_file(client):
    response = upload(client, colection="finance")
    assert response.status_code == 422 and response.json() == {
        "error": "invalid request: body.colection: Extra inputs are not permitted"}
    assert client.get("/v1/documents").json()["documents"] == []


def test_the_openai_endpoint_keeps_ignoring_what_openai_clients_add(client):
    upload(client)
    body = {"model": "veil", "temperature": 0.2, "max_tokens": 50, "user": "u1", "n": 1, "stream_options": None,
            "messages": [{"role": "user", "content": "Refunds are issued within how many days?", "name": "ana"}]}
    response = client.post("/v1/chat/completions", json=body)
    assert response.status_code == 200 and "14 days" in response.json()["choices"][0]["message"]["content"]
    del body["model"]  # omitted: the model served
    assert client.post("/v1/chat/completions", json=body).status_code == 200


def test_an_unknown_model_is_404_naming_it_and_the_models_served(client):
    response = client.post("/v1/chat/completions", json={"model": "gpt-4o", "messages": [
        {"role": "user", "content": "hi"}]})
    assert response.status_code == 404
    assert response.json() == {"error": "model 'gpt-4o' is not served here; models served: veil (GET /v1/models)"}


@pytest.mark.parametrize("path, params, where", [
    ("/v1/documents", {"colection": "default"}, "query.colection: Extra"),
    ("/v1/documents", {"collection": "bad name!"}, "query.collection: String should match"),
    ("/v1/export", {"collection": "../etc"}, "query.collection: String should match"),
    ("/v1/collections", {"all": "1"}, "query.all: Extra"),
    ("/v1/audit/events", {"since": "notadate"}, "query.since: Value error, not an ISO date"),
    ("/v1/audit/events", {"until": "2024-13-01"}, "query.until: Value error, not an ISO date"),
    ("/v1/audit/events", {"limit": "0"}, "query.limit: Input should be greater than or equal to 1"),
    ("/v1/audit/events", {"limit": "lots"}, "query.limit: Input should be a valid integer"),
    ("/v1/audit/events", {"document": "nope"}, "query.document: Input should be a valid UUID"),
    ("/v1/audit/events", {"entity_type": "person"}, "query.entity_type: String should match"),
    ("/v1/audit/events", {"knd": "query"}, "query.knd: Extra"),
    ("/v1/audit/report", {"document": "nope"}, "query.document: Input should be a valid UUID"),
    ("/v1/audit/verify", {"full": "yes"}, "query.full: Extra"),
    ("/v1/me", {"as": "admin"}, "query.as: Extra"),
    ("/v1/jobs/abc", {"wait": "1"}, "query.wait: Extra"),
])
def test_invalid_query_parameters_are_422_never_an_empty_200(client, path, params, where):
    response = client.get(path, params=params)
    assert response.status_code == 422, response.text
    assert response.json()["error"].startswith(f"invalid request: {where}"), response.json()


def test_audit_dates_filter_by_day_and_moment(client):
    upload(client)
    today, tomorrow = date.today(), date.today() + timedelta(days=1)
    total = lambda **params: client.get("/v1/audit/events", params=params).json()["total"]
    everything = total()
    assert everything > 0
    assert total(since=today.isoformat()) == everything == total(until=today.isoformat())  # the whole day
    assert total(since=tomorrow.isoformat()) == 0 == total(until=(today - timedelta(days=2)).isoformat())
    assert total(since=f"{today.isoformat()}T00:00:00Z", until="9999-12-31") == everything
    assert total(until=f"{today.isoformat()}T00:00:00+14:00") == 0  # an instant before today began in UTC


# -- an upload never holds up a query -----------------------------------------------------------------------


class GatedParser(TextParser):
    """Parses like TextParser once `release` is set: a hostile file that takes its time."""

    def __init__(self) -> None:
        self.entered, self.release = threading.Event(), threading.Event()

    def parse(self, data: bytes, filename: str):
        self.entered.set()
        assert self.release.wait(30), "never released"
        return super().parse(data, filename)


def test_a_query_is_answered_while_an_upload_is_being_processed(veil):
    parser = veil.parser = GatedParser()
    with TestClient(create_app(veil, ADMIN), headers=AUTH) as client:
        parser.release.set()
        assert upload(client).json()["files"][0]["status"] == "ingested"
        parser.entered.clear(), parser.release.clear()
        results = {}
        slow = threading.Thread(target=lambda: results.update(upload=upload(client, "second.txt",
                                                                                 b"Exchanges take 30 days.")))
        slow.start()
        assert parser.entered.wait(10)  # the upload is being parsed, and stays so until released
        answer = client.post("/v1/query", json={"question": "Refunds are issued within how many days?",
                                                "generate": False})
        still_parsing = slow.is_alive()
        parser.release.set()
        slow.join(30)
    assert answer.status_code == 200 and answer.json()["citations"][0]["document"] == "refunds.txt"
    assert still_parsing  # answered before the upload finished
    assert results["upload"].json()["files"][0]["status"] == "ingested"


def test_one_broken_file_in_an_upload_fails_alone(client):
    files = [("files", ("good.txt", TEXT)), ("files", ("bad.bin", b"\x00\x01")), ("files", ("empty.txt", b" "))]
    report = client.post("/v1/documents", files=files).json()
    assert [f["status"] for f in report["files"]] == ["ingested", "failed", "failed"]
    assert report["files"][1]["error"].startswith("unsupported file type") and report["totals"]["failed"] == 2


@pytest.mark.parametrize("key, value", [("max_body_kb", 0), ("max_upload_mb", 0), ("max_body_kb", "lots")])
def test_the_limits_refuse_invalid_values_naming_the_key(key, value):
    from core.errors import ConfigError
    from core.settings import load_settings

    with pytest.raises(ConfigError, match=f"api.{key}"):
        load_settings(api={key: value})
