"""The API's description is FastAPI's own, kept from drifting by a snapshot,
and schemathesis, driven by it, finds no 5xx and no response the
description does not allow."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from web_helpers import BANK

SNAPSHOT = Path(__file__).with_name("openapi.snapshot.json")


@schemathesis.serializer("application/x-ndjson", "application/yaml")
def _text_body(_ctx, value):
    """JSON Lines and YAML bodies are text: send what was generated as UTF-8."""
    return (value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)).encode("utf-8")


def _current(app) -> dict:
    return json.loads(json.dumps(app.openapi(), sort_keys=True))


def test_the_openapi_description_matches_its_snapshot(world):
    """Regenerate with SENIM_UPDATE_OPENAPI=1 after a deliberate API change, and review the diff."""
    current = _current(world.app)
    if os.environ.get("SENIM_UPDATE_OPENAPI") == "1":
        SNAPSHOT.write_text(json.dumps(current, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    assert current == json.loads(SNAPSHOT.read_text(encoding="utf-8"))


def test_every_api_route_is_described_and_nothing_else(world):
    from senim.web.app import route_table

    described = {(m.upper(), p) for p, ops in world.app.openapi()["paths"].items() for m in ops}
    served = {(m, p) for m, p, _ in route_table(world.app) if p.startswith("/api/") or p == "/healthz"}
    assert described == served
    for path, ops in world.app.openapi()["paths"].items():
        for method, op in ops.items():
            if path != "/healthz":
                assert {"401", "403", "422"} <= set(op["responses"]), (method, path)


def test_schemathesis_finds_no_server_error(world):
    """Every operation, with data generated from the description and the admin's token:
    no 5xx, and every status, header and body as the description says."""
    from hypothesis import given
    from schemathesis.checks import positive_data_acceptance

    api = schemathesis.openapi.from_asgi("/api/v1/openapi.json", world.app)
    headers = {"authorization": "Bearer " + world.tokens[(BANK, "admin")]}
    operations = [result.ok() for result in api.get_all_operations()]
    assert len(operations) >= 20
    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
                  database=None)
        def check(case):
            # A schema-valid body may still be refused (a BIN's check digit, a system of
            # another organisation): that is a 4xx the description names, not a failure.
            case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

        check()
