"""schemathesis against Veil's own OpenAPI schema: generated requests on every route, as an admin
(who reaches them all), never get a 5xx. The app runs in-process on the fast fakes.

Cases are drawn from schemathesis' strategies inside one Hypothesis test (its pytest plugin does
not run under pytest 9)."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.app import create_app
from tests.unit.helpers import fake_veil

ADMIN = "veil_admin_schema-token"
AUTH = {"Authorization": f"Bearer {ADMIN}"}


@pytest.fixture(scope="module")
def operations(tmp_path_factory):
    veil = fake_veil(tmp_path_factory.mktemp("fuzz") / "data", retrieval={"min_score": 0.01})
    veil.warm_up()  # loads the name lists once, not inside a request's time limit
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(veil, ADMIN), headers=AUTH)
    found = [result.ok() for result in schema.get_all_operations()]
    yield found
    veil.close()


def test_the_schema_covers_every_route(operations):
    paths = {op.path for op in operations}
    assert {"/v1/query", "/v1/documents", "/v1/chat/completions", "/v1/audit/search", "/v1/collections"} <= paths


def test_no_route_answers_with_a_server_error(operations):
    @given(st.data())
    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
    def check(data):
        operation = data.draw(st.sampled_from(operations))
        case = data.draw(operation.as_strategy())
        response = case.call(headers=AUTH)
        assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.status_code} {response.text[:300]}"
        if response.status_code >= 400:
            assert set(response.json()) == {"error"}  # one error shape, whatever was sent

    check()
