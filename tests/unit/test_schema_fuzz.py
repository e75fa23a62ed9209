"""schemathesis against Veil's own OpenAPI schema: generated requests on every route, from every kind of
caller - no key, a revoked key, a user, an auditor and an admin - never get a 5xx, and every error is
`{"error": message}` with a message. The app runs in-process on the fast fakes. Each caller's
status-code histogram is printed (`.venv/bin/python -m pytest -m fuzz tests/unit/test_schema_fuzz.py`);
`-m "not fuzz"` leaves these tests out.

Cases are drawn from schemathesis' strategies inside one Hypothesis test (its pytest plugin does
not run under pytest 9)."""

from __future__ import annotations

from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.app import create_app
from api.auth.keystore import KeyStore
from tests.unit.helpers import fake_veil

pytestmark = pytest.mark.fuzz

ADMIN = "veil_admin_schema-token"
CALLERS = ("no key", "revoked key", "user", "auditor", "admin")
PUBLIC = {"/healthz", "/readyz"}  # what answers without a key (besides the page and the docs, not in the schema)
EXAMPLES = 400  # per caller


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory):
    """The operations, each caller's Authorization header (None: none sent) and a histogram per caller."""
    data_dir = tmp_path_factory.mktemp("fuzz") / "data"
    veil = fake_veil(data_dir, retrieval={"min_score": 0.01})
    veil.warm_up()  # loads the name lists once, not inside a request's time limit
    app = create_app(veil, ADMIN)
    keys = KeyStore(data_dir / "veil.db")  # the keys table the app reads
    revoked, key = keys.create("admin", name="revoked")
    keys.revoke(key.id)
    bearer = {"no key": None, "revoked key": revoked, "user": keys.create("user", ("hr",))[0],
              "auditor": keys.create("auditor")[0], "admin": ADMIN}
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    histograms = {caller: Counter() for caller in CALLERS}
    yield operations, bearer, histograms
    keys.close()
    veil.close()


def test_the_schema_covers_every_route(fuzzed):
    paths = {op.path for op in fuzzed[0]}
    assert {"/v1/query", "/v1/documents", "/v1/chat/completions", "/v1/audit/search", "/v1/collections"} <= paths


@pytest.mark.parametrize("caller", CALLERS)
def test_no_caller_gets_a_server_error_and_every_error_has_one_shape(fuzzed, caller, capsys):
    operations, bearer, histograms = fuzzed
    histogram = histograms[caller]

    @given(st.data())
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def check(data):
        operation = data.draw(st.sampled_from(operations))
        case = data.draw(operation.as_strategy())
        case.headers = {k: v for k, v in (case.headers or {}).items() if k.lower() != "authorization"}
        if bearer[caller]:  # the schema's bearer scheme makes schemathesis invent keys: ours replace them
            case.headers["Authorization"] = f"Bearer {bearer[caller]}"
        response = case.call()
        histogram[response.status_code] += 1
        where = f"{case.method} {case.formatted_path}: {response.status_code} {response.text[:300]}"
        assert response.status_code < 500, where
        if response.status_code >= 400:
            body = response.json()
            assert set(body) == {"error"} and isinstance(body["error"], str) and body["error"].strip(), where
        if caller in ("no key", "revoked key") and operation.path not in PUBLIC:
            assert response.status_code == 401, where  # nothing reaches a route without a live key

    check()
    with capsys.disabled():
        counts = "  ".join(f"{status}x{n}" for status, n in sorted(histogram.items()))
        print(f"\nfuzz, {caller}: {sum(histogram.values())} requests, {counts}")
    assert not any(status >= 500 for status in histogram)
