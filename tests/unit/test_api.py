from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from tests.fakes import ScriptedChat
from tests.unit.helpers import fake_veil

ADMIN = "veil_admin_test-token"
TEXT = b"Refunds are issued within 14 days. Questions go to refunds.desk@example.com."


@pytest.fixture
def chat():
    return ScriptedChat("Refunds take 14 days [1].")


@pytest.fixture
def client(tmp_path, chat):
    veil = fake_veil(tmp_path / "data", chat=chat, retrieval={"min_score": 0.01})
    with TestClient(create_app(veil, ADMIN), headers={"Authorization": f"Bearer {ADMIN}"}) as c:
        yield c
    veil.close()


def upload(client, name="refunds.txt", data=TEXT, **form):
    return client.post("/v1/documents", files={"files": (name, data)}, data=form)


def test_uploading_the_same_name_again_is_an_update(client):
    first = upload(client).json()["files"][0]
    assert upload(client).json()["files"][0]["status"] == "unchanged"
    second = upload(client, data=b"Refunds are issued within 30 days.").json()["files"][0]
    assert second["status"] == "updated" and second["doc_id"] == first["doc_id"]
    documents = client.get("/v1/documents").json()["documents"]
    assert [d["doc_id"] for d in documents] == [first["doc_id"]]
    exported = client.get("/v1/export").text
    assert "30 days" in exported and "14 days" not in exported


def test_upload_list_query_delete_roundtrip(client, chat):
    body = upload(client).json()
    assert body["totals"] == {"files": 1, "ingested": 1, "unchanged": 0, "updated": 0, "deleted": 0, "erased": 0,
                              "failed": 0, "unreachable": 0, "chunks": 1, "redactions": 1}
    doc_id = body["files"][0]["doc_id"]
    assert [d["doc_id"] for d in client.get("/v1/documents").json()["documents"]] == [doc_id]

    question = "Refunds are issued within how many days?"
    answer = client.post("/v1/query", json={"question": question, "mode": "generative"}).json()
    assert answer["answer"] == "Refunds take 14 days [1]." and answer["route"] == "local"
    assert answer["mode"] == "generative" and answer["citations"][0]["document"] == "refunds.txt"
    prompt = "\n".join(m.content for m in chat.calls[0])
    assert "<EMAIL_ADDRESS_1>" in prompt and "refunds.desk@example.com" not in prompt

    assert client.delete(f"/v1/documents/{doc_id}").json() == {"deleted": doc_id, "chunks": 1}
    assert client.get("/v1/documents").json()["documents"] == []
    assert client.delete(f"/v1/documents/{doc_id}").status_code == 404


def test_the_default_answer_quotes_the_sources_without_calling_the_model(client, chat):
    upload(client)
    answer = client.post("/v1/query", json={"question": "Refunds are issued within how many days?"}).json()
    assert answer["mode"] == "extractive" and answer["answer"] == '"Refunds are issued within 14 days." [1]'
    assert answer["reason"] and chat.calls == []


def test_a_streamed_query_sends_tokens_then_the_checked_answer(client):
    upload(client)
    body = {"question": "Refunds are issued within how many days?", "mode": "generative", "stream": True}
    with client.stream("POST", "/v1/query", json=body) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        events = [e for e in response.read().decode().split("\n\n") if e]
    kinds = [e.splitlines()[0] for e in events]
    assert kinds[-1] == "event: answer" and set(kinds[:-1]) == {"event: token"} and len(kinds) > 2
    final = json.loads(events[-1].splitlines()[1].removeprefix("data: "))
    streamed = "".join(json.loads(e.splitlines()[1].removeprefix("data: "))["text"] for e in events[:-1])
    assert streamed == final["answer"] == "Refunds take 14 days [1]." and final["replaces_stream"] is False


def test_same_upload_twice_is_unchanged(client):
    upload(client)
    assert upload(client).json()["files"][0]["status"] == "unchanged"


def test_bad_upload_is_reported_per_file(client):
    response = client.post("/v1/documents", files=[("files", ("a.txt", TEXT)), ("files", ("b.bin", b"\x00"))])
    statuses = [(f["path"], f["status"]) for f in response.json()["files"]]
    assert statuses == [("a.txt", "ingested"), ("b.bin", "failed")]


def test_query_without_relevant_documents_does_not_call_the_model(client, chat):
    answer = client.post("/v1/query", json={"question": "anything"}).json()
    assert answer["answer"].startswith("I don't know") and answer["citations"] == []
    assert chat.calls == []


def test_retrieval_only_query(client, chat):
    upload(client)
    answer = client.post("/v1/query", json={"question": "refunds are issued", "generate": False}).json()
    assert answer["citations"] and answer["answer"] == "" and chat.calls == []


def test_export_streams_stored_chunks(client):
    upload(client)
    lines = client.get("/v1/export").text.strip().splitlines()
    assert len(lines) == 1 and "<EMAIL_ADDRESS_1>" in lines[0] and "refunds.desk" not in lines[0]
    missing = client.get("/v1/export", params={"collection": "nope"})
    assert missing.status_code == 404 and missing.json() == {"error": "no collection named nope"}


def test_invalid_requests_get_clear_errors(client):
    assert client.post("/v1/query", json={"question": ""}).status_code == 422
    response = upload(client, collection="bad name!")  # refused before any file is read
    assert response.status_code == 422 and response.json()["error"].startswith("invalid request: body.collection")
    assert client.get("/v1/documents").json()["documents"] == []


def test_healthz(client):
    assert client.get("/healthz").json()["status"] == "ok"


def test_an_upload_stores_the_name_sent_and_keys_on_the_client_path(client):
    form = {"source": "/home/jdoe/claims/2024/a.txt", "name": "claims/2024/a.txt"}
    first = client.post("/v1/documents", files={"files": ("a.txt", TEXT)}, data=form).json()["files"][0]
    assert first["path"] == "claims/2024/a.txt" and first["status"] == "ingested"
    assert [d["source"] for d in client.get("/v1/documents").json()["documents"]] == ["claims/2024/a.txt"]
    again = client.post("/v1/documents", files={"files": ("a.txt", TEXT)}, data=form).json()["files"][0]
    assert again["status"] == "unchanged"


def test_remote_client_sends_the_short_name_to_store_and_the_full_path_as_identity(tmp_path):
    import httpx

    from api.remote import RemoteVeil
    from ingest.pipeline import SourceFile

    sent = []

    def server(request: httpx.Request) -> httpx.Response:
        sent.append(request.read().decode())
        return httpx.Response(200, json={"files": [{"path": "claims/a.txt", "status": "ingested", "chunks": 1}]})

    (tmp_path / "a.txt").write_bytes(TEXT)
    remote = RemoteVeil("http://veil.local", transport=httpx.MockTransport(server))
    result = remote.ingest_file(SourceFile(tmp_path / "a.txt", "claims/a.txt"), "default")
    assert result.path == "claims/a.txt"
    assert 'name="name"\r\n\r\nclaims/a.txt' in sent[0]
    assert f'name="source"\r\n\r\n{tmp_path / "a.txt"}' in sent[0]


def test_an_upload_can_name_the_groups_that_may_read_it(client):
    response = client.post("/v1/documents", files={"files": ("a.txt", TEXT)}, data={"groups": ["hr", "legal"]})
    assert response.json()["files"][0]["status"] == "ingested"
    assert client.get("/v1/documents").json()["documents"][0]["groups"] == ["hr", "legal"]
    bad = client.post("/v1/documents", files={"files": ("b.txt", TEXT)}, data={"groups": ["no spaces"]})
    assert bad.status_code == 422 and bad.json()["error"].startswith("invalid request: groups: invalid group name")
    assert len(client.get("/v1/documents").json()["documents"]) == 1


def test_the_official_openai_client_plain_and_streaming(client):
    from openai import OpenAI

    upload(client)
    ai = OpenAI(base_url="http://testserver/v1", api_key=ADMIN, http_client=client)
    assert [m.id for m in ai.models.list().data] == ["veil"]
    reply = ai.chat.completions.create(model="veil", messages=[
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Refunds are issued within how many days?"}])
    assert "14 days" in reply.choices[0].message.content
    extra = reply.model_extra
    assert extra["route"] == "local" and extra["citations"][0]["document"] == "refunds.txt" and extra["reason"]
    chunks = list(ai.chat.completions.create(model="veil", stream=True, messages=[
        {"role": "user", "content": "Refunds are issued within how many days?"}]))
    assert "".join(c.choices[0].delta.content or "" for c in chunks) == reply.choices[0].message.content
    assert chunks[-1].choices[0].finish_reason == "stop" and chunks[-1].model_extra["route"] == "local"


def test_chat_completions_needs_a_user_question_last(client):
    response = client.post("/v1/chat/completions", json={"model": "veil", "messages": [
        {"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]})
    assert response.status_code == 400 and response.json() == {"error": "the last message must be the user's question"}


def test_a_failure_mid_stream_ends_the_stream_with_an_error_event(client, chat):
    upload(client)
    chat.fail = RuntimeError("model crashed on: refunds.desk@example.com")
    body = {"question": "Refunds are issued within how many days?", "mode": "generative", "stream": True}
    with client.stream("POST", "/v1/query", json=body) as response:
        lines = list(response.iter_lines())
    events = [line for line in lines if line.startswith("event:")]
    assert events[-1] == "event: error" and "internal error (RuntimeError)" in lines[-2] + lines[-1]
    assert "refunds.desk" not in "".join(lines)
    assert client.post("/v1/query", json={"question": "x", "collection": "bad name!"}).status_code == 422
