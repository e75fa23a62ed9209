"""The web page in headless Chromium (Debian's, driven by Playwright): sign in, ask, open a
citation; every sample question answered alike by the CLI, REST, the OpenAI endpoint and the page; a user cannot open the audit page; an auditor verifies the chain and finds a person; an admin uploads.
Screenshots go to $UI_SCREENSHOTS when set (the README's come from here)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import SAMPLES
from tests.e2e.conftest import serving

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def site(ingested):
    runner, _ = ingested
    with serving(runner) as client:
        keys = {role: runner.json("keys", "create", "--role", role, "--name", f"ui-{role}")["key"]
                for role in ("user", "auditor", "admin")}
        yield str(client.base_url).rstrip("/"), keys


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.fail("Debian's chromium is missing: scripts/install.sh installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                              args=["--no-sandbox", "--disable-dev-shm-usage"])
        yield chromium
        chromium.close()


def signed_in(browser, url: str, key: str):
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(url)
    page.get_by_label("API key").fill(key)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("navigation", name="Pages").wait_for()
    page.requests = requests
    return page


def screenshot(page, name: str) -> None:
    folder = os.environ.get("UI_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=name != "audit")


def test_a_user_signs_in_asks_and_opens_a_citation(browser, site):
    url, keys = site
    page = signed_in(browser, url, keys["user"])
    page.get_by_label("Question").fill("What dose of the blood thinner was the patient sent home on?")
    page.keyboard.press("Tab")
    page.get_by_role("button", name="Ask").click()
    page.locator("#route.local").wait_for(timeout=120_000)
    assert "5 mg twice daily" in page.locator("#answer-text").inner_text()
    assert page.locator("#escalate-option").is_hidden()  # this server has no closed model configured
    toggle = page.locator("#citations li button").first
    assert toggle.inner_text() == "Show passage"
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert page.locator(".chunk").first.is_visible() and page.locator(".chunk").first.inner_text()
    screenshot(page, "chat")
    assert all(r.startswith(url) for r in page.requests), "the page loaded something not served by Veil"
    page.close()


def test_every_sample_question_gets_its_expected_phrase_at_every_front_door(browser, site, ingested,
                                                                            sample_questions, planted):
    """The CLI (through the running server), REST, the OpenAI endpoint and the web page give one answer."""
    import httpx

    from tests.e2e.leaks import leaked

    url, keys = site
    runner, _ = ingested
    auth = {"Authorization": f"Bearer {keys['user']}"}
    page = signed_in(browser, url, keys["user"])
    for item in sample_questions:
        question = item["question"]
        openai = httpx.post(f"{url}/v1/chat/completions", headers=auth, timeout=120, json={
            "model": "veil", "messages": [{"role": "user", "content": question}]}).json()
        page.get_by_label("Question").fill(question)
        page.get_by_role("button", name="Ask").click()
        page.locator("#route.local").wait_for(timeout=120_000)
        answers = {"cli": runner.json("query", question)["answer"],
                   "rest": httpx.post(f"{url}/v1/query", headers=auth, timeout=120,
                                      json={"question": question}).json()["answer"],
                   "openai": openai["choices"][0]["message"]["content"],
                   "web": page.locator("#answer-text").inner_text()}
        assert all(item["expected_phrase"] in answer for answer in answers.values()), (item, answers)
        assert leaked(planted, str(answers)) == []
    page.close()


def test_a_user_cannot_open_the_audit_page(browser, site):
    url, keys = site
    page = signed_in(browser, url, keys["user"])
    assert page.locator("#nav-audit").is_hidden()
    page.goto(f"{url}/#audit")
    page.locator("#audit-denied").wait_for()
    assert "needs the auditor role" in page.locator("#audit-denied").inner_text()
    assert page.locator("#audit-tools").is_hidden()
    page.close()


def test_an_auditor_verifies_the_chain_and_browses_events(browser, site):
    url, keys = site
    page = signed_in(browser, url, keys["auditor"])
    page.goto(f"{url}/#audit")
    page.get_by_role("button", name="Verify the chain").click()
    page.get_by_text("The audit log verifies").wait_for()
    page.get_by_label("Event kind").select_option("redaction")
    page.get_by_role("button", name="Show events").click()
    page.locator("#events tbody tr").first.wait_for()
    assert "redaction" in page.locator("#events tbody tr").first.inner_text()
    screenshot(page, "audit")
    page.close()


def test_an_auditor_finds_a_person_and_the_values_never_travel_in_a_url(browser, site, planted):
    url, keys = site
    person = next(p for p in planted if p["label"] == "EMAIL_ADDRESS")
    page = signed_in(browser, url, keys["auditor"])
    page.goto(f"{url}/#audit")
    page.get_by_label("The person: a name and its variants").fill(person["value"])
    page.get_by_role("button", name="Find what Veil holds").click()
    page.locator("#subject-documents tbody tr").first.wait_for()
    assert person["file"] in page.locator("#subject-documents").inner_text()
    assert "document(s) mention this person" in page.locator("#subject-result").inner_text()
    # the page knows the role by the time a result shows: erasure is for admins
    assert page.locator("#subject-forget-tools").is_hidden()
    assert not any(person["value"].split("@")[0] in request for request in page.requests)
    page.close()
    admin = signed_in(browser, url, keys["admin"])
    admin.goto(f"{url}/#audit")
    # shown once the page has read the key's role: wait for it rather than sample it at load
    admin.locator("#subject-forget-tools").wait_for(state="visible", timeout=15_000)
    assert admin.locator("#subject-forget-tools").is_visible()
    admin.close()


def test_an_admin_uploads_and_sees_the_ingest_report(browser, site):
    url, keys = site
    page = signed_in(browser, url, keys["admin"])
    page.goto(f"{url}/#admin")
    page.get_by_label("Files").set_input_files([str(SAMPLES / "incident_report.md")])
    page.get_by_role("button", name="Upload and ingest").click()
    row = page.locator("#upload-results tbody tr").first
    row.wait_for(timeout=120_000)
    assert "incident_report.md" in row.inner_text() and ("unchanged" in row.inner_text() or "ingested" in row.inner_text())
    screenshot(page, "documents")
    page.close()


def test_the_closed_model_is_offered_where_configured_and_a_fallback_says_why(browser, tmp_path):
    from tests.e2e.closed_api import ClosedAPI
    from tests.e2e.conftest import VeilRunner
    from tests.e2e.test_escalation import escalation_env

    api = ClosedAPI()
    api.mode = "error"
    runner = VeilRunner(tmp_path / ".veil", tmp_path, extra_env=escalation_env(api))
    runner.run("ingest", str(SAMPLES / "insurance_claim.txt"))
    key = runner.json("keys", "create", "--role", "user", "--name", "ui-escalation")["key"]
    try:
        with serving(runner, escalation_env(api)) as client:
            page = signed_in(browser, str(client.base_url).rstrip("/"), key)
            page.get_by_label("Question").fill("What did the body shop estimate it would cost to fix the car?")
            page.get_by_label("Ask the closed model (pseudonymised)").check()
            page.get_by_role("button", name="Ask").click()
            page.locator("#route.local").wait_for(timeout=120_000)
            notice = page.locator("#stayed-local")
            assert notice.is_visible() and "Not sent to the closed model" in notice.inner_text()
            assert "HTTP 500" in notice.inner_text() and api.requests  # it was asked, and said why not
            page.close()
    finally:
        api.shutdown()
