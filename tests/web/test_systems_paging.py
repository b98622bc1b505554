"""GET /api/v1/systems a page at a time: `limit` (default 100, at most 1000)
and `after`, with the next page named in the Link header (RFC 8288)."""

from __future__ import annotations

import re

from web_helpers import BANK, CLINIC, manifest_yaml


def _next(answer) -> str | None:
    found = re.fullmatch(r'<([^>]+)>; rel="next"', answer.headers.get("link", ""))
    return found.group(1) if found else None


def test_the_pages_follow_one_another_to_the_last(world):
    engineer = {**world.token("engineer", BANK), "content-type": "application/yaml"}
    for number in range(3):  # three more systems of the bank, named to sort among its others
        text = manifest_yaml("retail-credit-scoring", BANK).replace("id: retail-credit-scoring", f"id: paged-{number}")
        assert world.client.post("/api/v1/systems", headers=engineer, content=text.encode()).status_code in (200, 201)
    headers = world.token("auditor", BANK)
    every = world.client.get("/api/v1/systems?limit=1000", headers=headers).json()
    assert len(every) >= 4 and [s["id"] for s in every] == sorted(s["id"] for s in every)
    seen, url = [], "/api/v1/systems?limit=1"
    while url is not None:
        answer = world.client.get(url, headers=headers)
        assert answer.status_code == 200 and len(answer.json()) == 1
        seen += answer.json()
        url = _next(answer)
    assert seen == every  # each system once, in order, and no Link after the last
    clinic = world.client.get("/api/v1/systems?limit=1000", headers=world.token("auditor", CLINIC)).json()
    assert not {s["id"] for s in clinic} & {f"paged-{n}" for n in range(3)}  # the bank's, not the clinic's


def test_the_default_page_and_the_bounds(world):
    headers = world.token("auditor", BANK)
    answer = world.client.get("/api/v1/systems", headers=headers)
    assert answer.status_code == 200 and len(answer.json()) <= 100
    for bad in ("limit=0", "limit=1001", "limit=ten", "after="):
        refused = world.client.get(f"/api/v1/systems?{bad}", headers=headers)
        assert refused.status_code == 422, bad
        assert refused.json()["errors"][0]["field"] in ("limit", "after"), bad


def test_a_page_is_written_as_its_response_model_writes_it(world):
    """The page is written without FastAPI's pass over the model: the bytes must be pydantic's own
    for list[SystemSummary] (every field, in the model's order, compact, UTF-8), with a name
    outside ASCII among them."""
    from pydantic import TypeAdapter

    from senim.web.api import SystemSummary

    engineer = {**world.token("engineer", BANK), "content-type": "application/yaml"}
    text = manifest_yaml("retail-credit-scoring", BANK).replace("id: retail-credit-scoring", "id: aaa-kazakh-name")
    text = re.sub(r"(?m)^name: .*$", lambda _: r'name: "Несие скорингі «Қазақ» \u2028 / \\"', text)
    assert world.client.post("/api/v1/systems", headers=engineer, content=text.encode()).status_code in (200, 201)
    answer = world.client.get("/api/v1/systems?limit=2", headers=world.token("auditor", BANK))
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/json"
    rows = answer.json()
    assert rows[0]["name"] == "Несие скорингі «Қазақ» \u2028 / \\"
    model = TypeAdapter(list[SystemSummary])
    assert answer.content == model.dump_json(model.validate_python(rows))
    assert list(rows[0]) == list(SystemSummary.model_fields)
    assert _next(answer) == f"/api/v1/systems?limit=2&after={rows[1]['id']}"
