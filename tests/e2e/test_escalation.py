"""Redacted escalation on the real stack (Presidio, MiniLM, Qdrant Edge, Gemma) against real HTTP
servers on loopback: a recording server playing the closed API, and llama-cpp-python's own
OpenAI-compatible server with the packaged model."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from core.settings import EscalationSettings
from core.types import Message
from generation.openai_compat import OpenAICompatibleChat
from tests.conftest import SAMPLES
from tests.e2e.closed_api import ClosedAPI
from tests.e2e.conftest import VeilRunner, free_port, serving, wait_until_up
from tests.e2e.leaks import leaked

pytestmark = pytest.mark.e2e

FIRST = ["Oliver", "Amelia", "Jonas", "Priya", "Mateo", "Ingrid", "Samira", "Tobias", "Nadia", "Felix"]
LAST = ["Hartwell", "Brannigan"]
CALLERS = [f"{first} {last}" for last in LAST for first in FIRST]  # 20 invented people


def escalation_env(api: ClosedAPI, **more) -> dict:
    env = {"VEIL_ESCALATION__BASE_URL": api.base_url, "VEIL_ESCALATION__MODEL": "closed-test",
           "VEIL_ESCALATION__API_KEY": "sk-loopback", "VEIL_ESCALATION__TIMEOUT_S": "2",
           "VEIL_ESCALATION__RETRIES": "1", "VEIL_ESCALATION__BACKOFF_S": "0.1",
           "VEIL_ESCALATION__DAILY_ESCALATIONS": "1000", "VEIL_ESCALATION__DAILY_ENTITIES": "100000",
           "VEIL_ESCALATION__POLICIES": json.dumps({"restricted": "never"})}
    return env | {f"VEIL_ESCALATION__{k.upper()}": str(v) for k, v in more.items()}


@pytest.fixture(scope="module")
def closed_api():
    api = ClosedAPI()
    yield api
    api.shutdown()


@pytest.fixture(scope="module")
def server(ingested, closed_api):
    runner, _ = ingested
    with serving(runner, escalation_env(closed_api)) as client:
        yield runner, client


def ask(client: httpx.Client, question: str, **body) -> dict:
    response = client.post("/v1/query", json={"question": question, "escalate": True} | body, timeout=300)
    assert response.status_code == 200, response.text
    return response.json()


def planted_person(planted: list[dict], file: str) -> str:
    return max((p["value"] for p in planted if p["file"] == file and p["label"] == "PERSON"), key=len)


def test_escalated_answers_send_no_planted_value_and_restore_exactly(server, closed_api, planted, sample_questions):
    _, client = server
    closed_api.mode = "echo"
    for item in sample_questions:
        name = planted_person(planted, item["file"])
        answer = ask(client, f"{item['question'].rstrip('?')} for {name}?")
        assert answer["route"] == "external", answer["reason"]
        assert answer["reason"].startswith("escalated to closed-test")
        assert answer["answer"].startswith(f"For {name}")  # the reply's pseudonym, restored
        assert answer["outbound"] == closed_api.bodies()[-1]  # exactly what crossed the wire
        assert answer["citations"] and answer["citations"][0]["text"]
    assert closed_api.requests[0]["authorization"] == "Bearer sk-loopback"
    assert leaked(planted, "\n".join(closed_api.bodies())) == []


def test_twenty_concurrent_escalations_never_mix_pseudonyms(server, closed_api):
    _, client = server
    closed_api.mode = "echo"
    sent_before = len(closed_api.requests)
    question = "What dose of the blood thinner was Ms {} sent home on?"
    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(lambda name: ask(client, question.format(name)), CALLERS))
    for name, answer in zip(CALLERS, answers):
        assert answer["route"] == "external", answer["reason"]
        assert name in answer["answer"]
        assert not [other for other in CALLERS if other != name and other in answer["answer"]]
    new = "\n".join(closed_api.bodies()[sent_before:])
    assert len(closed_api.requests) - sent_before == 20
    assert not [name for name in CALLERS for part in name.split() if part in new]


def test_streamed_escalation_sends_tokens_then_the_checked_answer(server, closed_api, planted):
    _, client = server
    closed_api.mode = "echo"
    name = planted_person(planted, "discharge_summary.pdf")
    body = {"question": f"What dose of the blood thinner was {name} sent home on?", "escalate": True, "stream": True}
    with client.stream("POST", "/v1/query", json=body, timeout=300) as response:
        events = [line for line in response.iter_lines() if line.startswith("data:")]
    final = json.loads(events[-1][5:])
    streamed = "".join(json.loads(e[5:])["text"] for e in events[:-1])
    assert final["route"] == "external" and not final["replaces_stream"]
    assert streamed == final["answer"] and name in streamed
    assert leaked(planted, closed_api.bodies()[-1]) == []


def test_a_restricted_collection_never_escalates(server, closed_api):
    _, client = server
    upload = client.post("/v1/documents", data={"collection": "restricted"}, timeout=300, files=[
        ("files", ("board.md", b"# Board minutes\n\nThe merger with the supplier closes in the third quarter."))])
    assert upload.status_code == 200
    sent_before = len(closed_api.requests)
    answer = ask(client, "When does the merger close?", collection="restricted")
    assert answer["route"] == "local" and "policy never" in answer["reason"]
    assert len(closed_api.requests) == sent_before


@pytest.mark.parametrize("mode, why", [("error", "HTTP 500 (server_error)"), ("slow", "timed out")])
def test_api_errors_and_timeouts_answer_locally_with_the_reason(server, closed_api, mode, why):
    _, client = server
    closed_api.mode = mode
    try:
        answer = ask(client, "What did the body shop estimate it would cost to fix the damaged car?")
    finally:
        closed_api.mode = "echo"
    assert answer["route"] == "local" and why in answer["reason"] and answer["outbound"] is None
    assert "upstream exploded" not in answer["reason"]
    assert answer["answer"] and answer["citations"]


def test_cli_escalates_until_the_budget_is_spent_and_audits_each_payload(tmp_path, closed_api):
    closed_api.mode = "echo"
    runner = VeilRunner(tmp_path / ".veil", tmp_path, extra_env=escalation_env(closed_api, daily_escalations=1))
    runner.run("ingest", str(SAMPLES / "insurance_claim.txt"))
    question = "What did the body shop estimate it would cost to fix the damaged car?"
    first = runner.json("query", question, "--escalate")
    second = runner.json("query", question, "--escalate")
    assert first["route"] == "external" and second["route"] == "local"
    assert "escalation budget is spent" in second["reason"]
    events = [json.loads(line) for line in runner.run("audit", "report", "--json").stdout.splitlines()[-1:]]
    assert events  # the report is readable after escalations
    sent = hashlib.sha256(first["outbound"].encode("utf-8")).hexdigest()
    assert sent in (runner.data_dir / "audit.db").read_bytes().decode("latin-1")


def test_the_guard_pseudonymises_what_a_narrower_older_policy_stored(tmp_path, closed_api, planted):
    """Stored under a policy that redacted e-mail addresses only, the names are in the store; the
    guard, reading with today's policy, finds them, the request's pseudonyms replace them, and the
    guard reads the request again before it leaves."""
    closed_api.mode = "echo"
    runner = VeilRunner(tmp_path / ".veil", tmp_path, extra_env=escalation_env(closed_api))
    narrow = runner.env() | {"VEIL_REDACTION__ENTITIES": '["EMAIL_ADDRESS"]'}
    subprocess.run([sys.executable, "-m", "api", "ingest", str(SAMPLES / "insurance_claim.txt")], cwd=tmp_path,
                   env=narrow, check=True, capture_output=True)
    sent_before = len(closed_api.requests)
    answer = runner.json("query", "What did the body shop estimate it would cost to fix the damaged car?",
                         "--escalate")
    assert answer["route"] == "external", answer["reason"]
    assert len(closed_api.requests) == sent_before + 1
    assert leaked(planted, closed_api.bodies()[-1]) == []
    guard = escalation_events(runner)[-1]["guard"]
    assert guard["first"].get("PERSON") and guard["second"] == {}  # counts by type, never values
    assert leaked(planted, json.dumps(escalation_events(runner))) == []


def escalation_events(runner: VeilRunner) -> list[dict]:
    from core.audit import AuditLog
    from core.keys import load_or_create_key

    audit = AuditLog(runner.data_dir / "audit.db", load_or_create_key(None, runner.data_dir / "keys" / "audit.key"))
    try:
        return [event.payload for event in audit.events("escalation")]
    finally:
        audit.close()


LETTERS = {  # everyday letters (invented people and numbers) with field labels beside their values
    "refund_letter.txt": (
        "Harbourside Water Ltd\nCustomer Accounts\n\n12 March 2024\n\nMr Alistair Penrose\n"
        "14 Larkfield Crescent\nNorwich NR2 3QT\n\nDear Mr Penrose,\n\n"
        "Thank you for your letter about the charges on your water account. We have checked the "
        "account and agree that the February bill was taken twice.\n\n"
        "The refund of GBP 86.40 will be paid to IBAN GB82 WEST 1234 5698 7654 32 within ten working "
        "days. If you would rather receive a cheque, call Imogen Radcliffe on Tel. 01632 960 415 or "
        "write to imogen.radcliffe@harbourside-water.co.uk.\n\nYours sincerely,\n\nImogen Radcliffe\n"
        "Billing Team Leader\n"),
    "benefits_letter.txt": (
        "Lakeshore Benefits Office\n\nApril 2, 2024\n\nMs. Rosalind Achterberg\n"
        "781 Quincy Hollow Road, Madison, WI 53703\n\nDear Ms. Achterberg,\n\n"
        "We received your application for the winter heating allowance. Please check the details "
        "we hold:\n\nSSN: 536-22-8814\nDOB: 09/14/1961\n\n"
        "Your allowance of USD 420 will be paid in two parts, in May and in October. If any detail is "
        "wrong, call Desmond Okoro at (608) 555-0186.\n\nSincerely,\nDesmond Okoro\nCaseworker\n"),
}
LETTER_PLANTED = [{"file": f, "label": "PERSON", "value": v} for f, v in [
    ("refund_letter.txt", "Alistair Penrose"), ("refund_letter.txt", "Penrose"),
    ("refund_letter.txt", "Imogen Radcliffe"), ("benefits_letter.txt", "Rosalind Achterberg"),
    ("benefits_letter.txt", "Achterberg"), ("benefits_letter.txt", "Desmond Okoro")]] + [
    {"file": "", "label": label, "value": value} for label, value in [
        ("STREET_ADDRESS", "14 Larkfield Crescent, Norwich NR2 3QT"), ("IBAN_CODE", "GB82 WEST 1234 5698 7654 32"),
        ("PHONE_NUMBER", "01632 960 415"), ("EMAIL_ADDRESS", "imogen.radcliffe@harbourside-water.co.uk"),
        ("STREET_ADDRESS", "781 Quincy Hollow Road, Madison, WI 53703"), ("US_SSN", "536-22-8814"),
        ("DATE_TIME", "09/14/1961"), ("PHONE_NUMBER", "(608) 555-0186")]]


def test_everyday_letters_with_labelled_values_escalate_and_send_no_planted_value(tmp_path, closed_api):
    """"paid to IBAN <IBAN_CODE_1>" and "SSN: <US_SSN_1>": the labels are context for the guard,
    not a place or an organisation, so these letters escalate like any other document."""
    closed_api.mode = "echo"
    folder = tmp_path / "letters"
    folder.mkdir()
    for name, text in LETTERS.items():
        (folder / name).write_text(text)
    runner = VeilRunner(tmp_path / ".veil", tmp_path, extra_env=escalation_env(closed_api))
    runner.run("ingest", str(folder))
    sent_before = len(closed_api.requests)
    for question in ("When will the refund for the water bill be paid, and to which account?",
                     "When will the winter heating allowance be paid?"):
        answer = runner.json("query", question, "--escalate")
        assert answer["route"] == "external", answer["reason"]
    bodies = "\n".join(closed_api.bodies()[sent_before:])
    assert "IBAN <IBAN_CODE_" in bodies and "SSN: <US_SSN_" in bodies  # the labels leave, readable
    assert leaked(LETTER_PLANTED, bodies) == []


@pytest.fixture(scope="module")
def llama_server():
    """llama-cpp-python's own OpenAI-compatible server, with the packaged Gemma, on loopback."""
    from generation.llamacpp import packaged_gemma_path

    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "llama_cpp.server", "--model", str(packaged_gemma_path()),
                             "--model_alias", "gemma-270m", "--chat_format", "gemma", "--n_ctx", "4096",
                             "--n_threads", "2", "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/v1"
    wait_until_up(f"{url}/models", proc, "llama_cpp.server")
    yield url
    proc.terminate()
    proc.wait(timeout=30)


class PassingGuard:
    """This test is about the client on a real server; the guard has its own tests."""

    def findings(self, pieces):
        from redaction.egress import Findings

        return Findings({})


def test_the_client_works_against_llama_cpp_servers_openai_api(llama_server):
    settings = EscalationSettings(base_url=llama_server, model="gemma-270m", max_tokens=24)
    client = OpenAICompatibleChat(settings, PassingGuard())
    messages = [Message("system", "Answer briefly."), Message("user", "The office closes on 3 May. When does it close?")]
    completion = client.complete(messages)
    assert completion.text and completion.prompt_tokens > 0 and completion.completion_tokens > 0
    assert "".join(client.stream(messages)).strip()
    client.close()


def test_eval_answers_measures_the_external_route_beside_local(tmp_path, llama_server, sample_questions):
    qa = tmp_path / "qa.jsonl"
    qa.write_text("".join(json.dumps({"question": q["question"], "answers": [q["expected_phrase"]]}) + "\n"
                          for q in sample_questions[:3]))
    env = {"VEIL_ESCALATION__BASE_URL": llama_server, "VEIL_ESCALATION__MODEL": "gemma-270m",
           "VEIL_ESCALATION__DAILY_ESCALATIONS": "1"}  # the evaluation lifts the budget on purpose
    runner = VeilRunner(tmp_path / ".veil", tmp_path, extra_env=env)
    result = json.loads(runner.run("eval", "answers", str(qa), "--docs", str(SAMPLES), "--json").stdout.splitlines()[-1])
    assert set(result["modes"]) == {"extractive", "generative", "external"}
    assert result["modes"]["external"]["latency_ms"]["p50"] > 0
    assert set(result["auto"]) == {"escalated", "picked_right", "external_answered"}
    assert 0 <= result["auto"]["picked_right"] <= 1
