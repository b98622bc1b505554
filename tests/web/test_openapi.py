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

from web_helpers import AUTHORITY, BANK

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
    owner = {"authorization": "Bearer " + world.tokens[(BANK, "admin")]}
    # The registry-wide routes are the authority's: with an owner's token they would only ever be 403.
    reviewer = {"authorization": "Bearer " + world.tokens[(AUTHORITY, "regulator")]}
    operations = [result.ok() for result in api.get_all_operations()]
    assert len(operations) >= 35  # every route of issues 13 and 14 (the snapshot above lists them)
    for operation in operations:
        headers = reviewer if operation.path.startswith("/api/v1/registry/") else owner

        @given(case=operation.as_strategy())
        @settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
                  database=None)
        def check(case):
            # A schema-valid body may still be refused (a BIN's check digit, a system of
            # another organisation): that is a 4xx the description names, not a failure.
            case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

        check()


def test_the_public_routes_give_no_server_error_on_generated_input(world):
    """The public routes (no account; outside the OpenAPI, because each is a page and JSON by
    `Accept`): generated JSON and form bodies, tracking codes and files get a 2xx or a 4xx,
    never a 5xx."""
    from hypothesis import example, given
    from hypothesis import strategies as st

    from senim.web.public import Limits

    JSON = {"accept": "application/json"}
    text = st.text(max_size=60)
    kinds = st.sampled_from(["explanation", "data_basis", "objection", "human_review", "refusal", "other"])
    body = st.fixed_dictionaries({"owner": st.one_of(st.just(BANK), text), "system": st.one_of(
        st.just("retail-credit-scoring"), text), "kind": kinds, "contact": text, "text": text},
        optional={"iin": st.one_of(st.from_regex(r"\A\d{12}\Z"), text), "subject": text,
                  "lang": st.sampled_from(["kk", "ru", "en", "xx"])})
    # one of these per example; the answers' statuses are collected to show both sides were reached
    seen = set()

    valid = {"owner": BANK, "system": "retail-credit-scoring", "kind": "objection", "contact": "a@example.kz",
             "text": "Қарсымын"}

    @given(choice=st.integers(0, 4), data=body, raw=st.binary(max_size=300), word=text)
    @example(choice=0, data=valid, raw=b"", word="")          # and the accepting paths, beside the generated
    @example(choice=1, data={**valid, "kind": "human_review"}, raw=b"", word="")
    @example(choice=3, data={**valid, "lang": "none"}, raw=b"", word="https://t.me/example/7")
    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
              database=None)
    def check(choice, data, raw, word):
        world.app.state.public_windows = Limits()  # the rate limit is tested in test_public_requests
        c = world.client
        if choice == 0:
            done = c.post("/public/requests", headers=JSON, json=data)
        elif choice == 1:
            done = c.post("/public/requests", data={k: v for k, v in data.items()}, headers={"accept": "text/html"})
        elif choice == 2:
            done = c.post("/public/label-check", headers=JSON, files={"file": (word or "f", raw, "image/png")})
        elif choice == 3:
            done = c.post("/public/reports", headers=JSON, json={"where": word, "description": data["text"],
                                                                 "state": data.get("lang")})
        else:
            done = c.get(f"/public/requests/{quote(word, safe='')}", headers=JSON)
        assert done.status_code < 500, (choice, data, done.status_code, done.text[:300])
        seen.add(done.status_code // 100)

    from urllib.parse import quote

    check()
    assert seen == {2, 4}, seen

