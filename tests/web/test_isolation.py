"""Tenancy and authorisation, generated from the route table.

Every route x every role x the other organisation's ids: a role without the
permission gets 403; a role with it gets 404 for the other organisation's
objects, exactly as for ones that do not exist; no token or a wrong one is
401 on the API (pages send the browser to sign in). A route added without a
permission, or without a request below, fails here.
"""

from __future__ import annotations

import json
import re

import pytest

from web_helpers import AUTHORITY, BANK, CLINIC, DIGEST, PASSWORD, ROLES, manifest_yaml

from senim.web.app import UNSAFE, declared_permission, route_table
from senim.web.permissions import AUTHORITY_RESOURCES, PERMISSIONS, RESOURCES, allowed

ALL_ROLES = [(BANK, r) for r in ROLES] + [(AUTHORITY, "regulator")]


def _path(path: str, ids: dict) -> str:
    names = {"system_id": ids["system"], "assessment_id": ids["assessment"], "evidence_id": ids["evidence"],
             "incident_id": ids["incident"], "job_id": ids["job"], "seq": ids["ledger_seq"], "token_id": ids["token"],
             "request_id": ids.get("request", 1), "tracking": "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF",
             # no trusted-list application in the world: a number nobody has (tests/web/test_trusted_list
             # checks another organisation's application is 404 to an owner)
             "application_id": ids.get("application", 999999), "index": 0,
             "slug": "AAAAAAAAAAAAAAAA"}
    return re.sub(r"\{(\w+)\}", lambda m: str(names[m.group(1)]), path)


def _request(world, method: str, path: str, ids: dict) -> dict:
    """The keyword arguments of a well-formed request to this route, aimed at the objects in `ids`."""
    incident = {"kind": "malfunction", "severity": "low", "systems": [ids["system"]], "summary": "replay"}
    decision = json.dumps({"subject": "p-matrix-1", "system": ids["system"], "inputs_digest": DIGEST,
                           "output": "approved"}) + "\n"
    evidence = {"data": {"obligation": "kz.owner.risk_management", "answer": "yes"},
                "files": {"file": ("plan.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")}}
    fairness = {"data": {"target": "t", "prediction": "p", "sensitive": "s"},
                "files": {"file": ("d.csv", b"t,p,s\n1,1,a\n0,1,b\n", "text/csv")}}
    bodies = {
        ("POST", "/api/v1/systems"): {"content": manifest_yaml("support-assistant", BANK).encode(),
                                      "headers": {"content-type": "application/yaml"}},
        ("POST", "/api/v1/systems/{system_id}/assessments"): {"json": {"lang": "en"}},
        ("POST", "/api/v1/systems/{system_id}/evidence"): evidence,
        ("POST", "/api/v1/incidents"): {"json": incident},
        ("POST", "/api/v1/incidents/{incident_id}/updates"): {"json": {"note": "replay"}},
        ("POST", "/api/v1/decisions"): {"content": decision.encode(), "headers": {"content-type": "application/x-ndjson"}},
        ("POST", "/api/v1/decisions/letter"): {"json": {"subject": ids["subject"]}},
        ("POST", "/login"): {"data": {"email": "nobody@example.kz", "password": "wrong password!"}},
        ("POST", "/logout"): {"data": {}},
        ("POST", "/systems/new"): {"data": {"name": "Matrix"}},
        ("POST", "/systems/{system_id}/evidence"): evidence,
        ("POST", "/systems/{system_id}/assess"): {"data": {"lang": "en"}},
        ("POST", "/incidents"): {"data": {**incident, "systems": ids["system"]}},
        ("POST", "/incidents/{incident_id}/update"): {"data": {"note": "replay"}},
        ("POST", "/decisions"): {"files": {"file": ("d.jsonl", decision.encode(), "application/x-ndjson")}},
        ("POST", "/decisions/letter"): {"data": {"subject": ids["subject"]}},
        ("POST", "/admin/users"): {"data": {"email": "admin@940140000385.kz", "role": "auditor", "password": PASSWORD}},
        ("POST", "/admin/tokens"): {"data": {"email": "nobody@example.kz"}},
        ("POST", "/admin/tokens/{token_id}/revoke"): {"data": {}},
        ("POST", "/api/v1/requests/{request_id}/answer"): {"json": {"kind": "own_words", "text": "replay"}},
        ("POST", "/requests/{request_id}/answer"): {"data": {"kind": "own_words", "text": "replay"}},
        ("POST", "/public/requests"): {"json": {"owner": BANK, "system": "none", "kind": "refusal",
                                                "contact": "a@example.kz", "text": "replay"}},
        ("POST", "/public/label-check"): {"files": {"file": ("a.png", b"\x89PNG\r\n\x1a\n", "image/png")}},
        ("POST", "/public/reports"): {"json": {"where": "replay", "description": "replay"}},
        ("POST", "/api/v1/systems/{system_id}/trusted-list"): {"data": {"lang": "en"}, "files": {
            "copyright": ("c.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")}},
        ("POST", "/systems/{system_id}/trusted-list"): {"data": {"lang": "en"}, "files": {
            "copyright": ("c.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")}},
        ("POST", "/api/v1/trusted-list/applications/{application_id}/moves"): {"json": {"move": "resubmit"}},
        ("POST", "/trusted-list/applications/{application_id}/move"): {"data": {"move": "resubmit"}},
        ("POST", "/api/v1/registry/applications/{application_id}/moves"): {"json": {"move": "start_review"}},
        ("POST", "/regulator/applications/{application_id}/move"): {"data": {"move": "start_review"}},
        ("POST", "/regulator/bundles"): {"files": {"files": ("README.txt", b"not a bundle", "text/plain")}},
        ("POST", "/api/v1/literacy/trainings"): {"data": {"person": "p@x.kz", "course": "AI", "date": "2026-10-01",
                                                          "hours": "1", "provider": "X"},
                                                 "files": {"file": ("", b"", "application/octet-stream")}},
        ("POST", "/literacy/trainings"): {"data": {"person": "p@x.kz", "course": "AI", "date": "2026-10-01",
                                                   "hours": "1", "provider": "X"},
                                          "files": {"file": ("", b"", "application/octet-stream")}},
        ("POST", "/api/v1/literacy/operators"): {"json": {"person": "p@x.kz", "system": ids["system"]}},
        ("POST", "/literacy/operators"): {"data": {"person": "p@x.kz", "system": ids["system"]}},
        ("POST", "/api/v1/systems/{system_id}/scans"): {"files": {"file": ("d.csv", b"a,b\n1,2\n", "text/csv")}},
        ("POST", "/systems/{system_id}/scan"): {"files": {"file": ("d.csv", b"a,b\n1,2\n", "text/csv")}},
        ("POST", "/api/v1/systems/{system_id}/fairness"): fairness,
        ("POST", "/systems/{system_id}/fairness"): fairness,
        ("POST", "/api/v1/assessments/{assessment_id}/pdf"): {},
        ("POST", "/assessments/{assessment_id}/pdf"): {"data": {}},
        ("PUT", "/api/v1/systems/{system_id}/public-page"): {"json": {"published": False, "fields": {}}},
        ("POST", "/systems/{system_id}/public-page"): {"data": {"trade_name": "replay"}},
    }
    if method in UNSAFE:
        assert (method, path) in bodies, f"{method} {path}: add a well-formed request to the isolation matrix"
        return bodies[(method, path)]
    return {}


# Routes that name no object (lists, forms, the organisation's own ledger): a
# permitted role reads its own organisation's; tests/web/test_api checks what.
OWN = {("GET", "/api/v1/systems"), ("POST", "/api/v1/systems"), ("GET", "/api/v1/incidents"),
       ("GET", "/api/v1/ledger/verify"), ("GET", "/api/v1/ledger/export"), ("GET", "/"), ("GET", "/systems"),
       ("GET", "/systems/new"), ("POST", "/systems/new"), ("GET", "/incidents"), ("GET", "/decisions"),
       ("POST", "/decisions/letter/x"), ("GET", "/ledger"), ("GET", "/admin"), ("POST", "/admin/users"),
       ("POST", "/admin/tokens"), ("POST", "/logout"), ("GET", "/api/v1/requests"), ("GET", "/requests"),
       ("GET", "/api/v1/literacy"), ("GET", "/literacy"), ("POST", "/api/v1/literacy/trainings"),
       ("POST", "/literacy/trainings"),
       # the regulator's registry-wide views: every organisation's, by design (tests/web/test_regulator)
       ("GET", "/api/v1/registry/systems"), ("GET", "/api/v1/registry/incidents"), ("GET", "/regulator"),
       ("GET", "/regulator/export"), ("GET", "/regulator/incidents"), ("GET", "/regulator/applications"),
       ("GET", "/api/v1/registry/applications"), ("GET", "/api/v1/trusted-list/applications"),
       ("GET", "/regulator/bundles"), ("POST", "/regulator/bundles"),
       ("GET", "/api/v1/registry/label-reports"), ("GET", "/regulator/label-reports")}


def test_every_route_declares_a_permission_or_is_public(world):
    routes = route_table(world.app)
    assert len(routes) >= 40
    for method, path, route in routes:
        declared = declared_permission(route)
        assert declared is not None, f"{method} {path} declares no permission (use permission() or public())"
        if declared != "public":
            resource, verb = declared
            assert resource in RESOURCES + AUTHORITY_RESOURCES and verb in ("read", "write"), (method, path, declared)
    public = sorted(f"{m} {p}" for m, p, r in routes if declared_permission(r) == "public")
    assert public == ["GET /check", "GET /healthz", "GET /lang/{code}", "GET /login", "GET /p/{slug}",
                      "GET /public/requests/{tracking}", "GET /public/trusted-list", "GET /request", "GET /trusted-list",
                      "POST /login", "POST /public/label-check", "POST /public/reports", "POST /public/requests"]


def test_the_permission_table_names_every_role_and_the_auditor_only_reads():
    assert set(PERMISSIONS) == {"admin", "compliance", "engineer", "auditor", "regulator"}
    assert all(verbs == {"read"} for verbs in PERMISSIONS["auditor"].values())
    assert set(PERMISSIONS["auditor"]) == set(RESOURCES)
    # the regulator has none of an owner's resources, and no owner's role has an authority's
    assert not set(PERMISSIONS["regulator"]) & set(RESOURCES)
    assert all(not set(PERMISSIONS[r]) & set(AUTHORITY_RESOURCES) for r in PERMISSIONS if r != "regulator")
    assert not allowed("engineer", "letters", "read") and allowed("compliance", "letters", "read")


def test_the_matrix_every_route_every_role_the_other_organisations_ids(world):
    seen = 0
    for method, path, route in route_table(world.app):
        declared = declared_permission(route)
        if declared == "public":
            continue
        resource, verb = declared
        api = path.startswith("/api/")
        for org, role in ALL_ROLES:
            kwargs = _request(world, method, path, world.other)
            headers = {**(world.token(role, org) if api else world.cookie(role, org)), **kwargs.pop("headers", {})}
            if (method, path) == ("POST", "/logout"):  # a session of its own, so that the others stay signed in
                from senim.registry.people import sign_in

                secret = sign_in(world.app.state.db, f"{role}@{org}.kz" if role != "regulator" else
                                 "regulator@agency.kz", PASSWORD)[0]
                headers["cookie"] = f"senim_session={secret}"
            done = world.client.request(method, _path(path, world.other), headers=headers, follow_redirects=False,
                                        **kwargs)
            where = f"{method} {path} as {role} of {org}: {done.status_code} {done.text[:200]}"
            if not allowed(role, resource, verb):
                assert done.status_code == 403, where
            elif (method, path) in OWN:
                assert done.status_code < 500 and done.status_code not in (401, 403, 404), where
            else:
                assert done.status_code == 404, where
                if api:
                    assert done.json() == {"errors": [{"line": None, "field": None, "problem": "not found"}]}, where
            seen += 1
    assert seen >= 200


def test_the_same_ids_of_ones_own_organisation_are_found(world):
    """The 404s above are about whose the object is, not a broken route."""
    for method, path, route in route_table(world.app):
        declared = declared_permission(route)
        if method != "GET" or declared == "public" or (method, path) in OWN or path.startswith("/admin"):
            continue
        if path in ("/jobs/{job_id}",):  # a finished assessment job sends the browser on to its report
            continue
        if path.endswith("/jobs/{job_id}/file"):  # the world's job is an assessment, which makes no file: 422
            continue  # (tests/web/test_check_jobs reads a PDF job's file)
        if path.startswith(("/regulator", "/api/v1/registry")):  # an authority's routes: tests/web/test_regulator
            continue
        api = path.startswith("/api/")
        headers = world.token("admin") if api else world.cookie("admin")
        done = world.client.get(_path(path, world.own), headers=headers, follow_redirects=False)
        assert done.status_code == 200, f"GET {path}: {done.status_code} {done.text[:300]}"


def test_no_token_or_a_wrong_one_is_401_and_pages_ask_to_sign_in(world):
    for method, path, route in route_table(world.app):
        if declared_permission(route) == "public":
            continue
        kwargs = _request(world, method, path, world.own)
        kwargs.pop("headers", None)
        url = _path(path, world.own)
        if path.startswith("/api/"):
            for headers in ({}, {"authorization": "Bearer senim_not-a-token"}, {"authorization": "Basic eDp5"}):
                done = world.client.request(method, url, headers=headers, **kwargs)
                assert done.status_code == 401, f"{method} {path} with {headers}: {done.status_code}"
                assert done.headers["www-authenticate"] == "Bearer"
        else:
            done = world.client.request(method, url, follow_redirects=False, **kwargs)
            assert done.status_code == 303 and done.headers["location"].startswith("/login?next="), (method, path)


def test_a_revoked_token_is_401(world):
    from senim.registry.people import add_token, revoke_token

    secret, record = add_token(world.app.state.db, f"auditor@{BANK}.kz", "short-lived")
    headers = {"authorization": f"Bearer {secret}"}
    assert world.client.get("/api/v1/systems", headers=headers).status_code == 200
    revoke_token(world.app.state.db, record["id"])
    assert world.client.get("/api/v1/systems", headers=headers).status_code == 401


def test_a_cross_site_replay_of_every_unsafe_route_is_refused(world):
    """With a valid admin session cookie: from another site, 403 before anything runs."""
    unsafe = [(m, p) for m, p, r in route_table(world.app) if m in UNSAFE]
    assert len(unsafe) >= 19
    for method, path in unsafe:
        for forged in ({"sec-fetch-site": "cross-site"}, {"sec-fetch-site": "same-site"},
                       {"origin": "https://attacker.example"}, {"origin": "null"}):
            kwargs = _request(world, method, path, world.own)
            headers = {"cookie": f"senim_session={world.sessions[(BANK, 'admin')]}", **forged,
                       **kwargs.pop("headers", {})}
            done = world.client.request(method, _path(path, world.own), headers=headers, follow_redirects=False,
                                        **kwargs)
            assert done.status_code == 403, f"{method} {path} with {forged}: {done.status_code}"
            assert done.json()["errors"][0]["problem"] == "cross-site request refused"


def test_same_origin_posts_pass_the_guard(world):
    cookie = {"cookie": f"senim_session={world.sessions[(BANK, 'admin')]}"}
    for extra in ({"sec-fetch-site": "same-origin"}, {"origin": "http://testserver"}, {}):
        done = world.client.post("/incidents", headers={**cookie, **extra}, follow_redirects=False,
                                 data={"kind": "malfunction", "severity": "low", "systems": world.own["system"],
                                       "summary": "same origin"})
        assert done.status_code == 303, (extra, done.status_code, done.text[:200])
    # A token is not a cookie: a program's POST is not a browser's, whatever headers it sends.
    done = world.client.post("/api/v1/incidents", headers={**world.token("admin"), "sec-fetch-site": "cross-site"},
                             json={"kind": "malfunction", "severity": "low", "systems": [world.own["system"]],
                                   "summary": "from CI"})
    assert done.status_code == 201
