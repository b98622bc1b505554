"""The web tests' world: two owner organisations and an authority on one
registry (SQLite or PostgreSQL), a person of every role in each, their tokens
and sessions, and objects of the second organisation whose ids the first must
never reach. Built once per module through the real routes."""

from __future__ import annotations

import json
import os
import socket
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "registry"))

from registry_helpers import MANIFESTS, PG_URL, fresh_pg_database, pg_database  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "web" / "artifacts"
BANK = "940140000385"        # Example Bank JSC (the examples' BIN)
CLINIC = "111140000018"      # check digit worked by hand: weights 1..11 give 8
AUTHORITY = "222240000027"   # weights 1..11 give 7
ROLES = ("admin", "compliance", "engineer", "auditor")
PASSWORD = "correct horse battery staple"
DIGEST = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"


def manifest_yaml(system: str, bin_: str) -> str:
    text = MANIFESTS[system]
    if "bin:" in text:
        import re

        return re.sub(r'bin: "\d+"', f'bin: "{bin_}"', text)
    return text.replace("owner: {name: ", f'owner: {{bin: "{bin_}", name: ')


@dataclass
class World:
    url: str
    home: Path
    app: object = None
    client: object = None
    tokens: dict = field(default_factory=dict)      # (org BIN, role) -> token
    sessions: dict = field(default_factory=dict)    # (org BIN, role) -> session cookie
    other: dict = field(default_factory=dict)       # ids of the clinic's objects
    own: dict = field(default_factory=dict)         # ids of the bank's objects
    files: Path = None                              # the evidence folder
    drop: object = None                             # drops the database

    def token(self, role: str, org: str = BANK) -> dict:
        return {"authorization": "Bearer " + self.tokens[(org, role)]}

    def cookie(self, role: str, org: str = BANK) -> dict:
        return {"cookie": f"senim_session={self.sessions[(org, role)]}", "sec-fetch-site": "same-origin",
                "accept": "text/html"}


def backend_url(kind: str, tmp: Path):
    if kind == "sqlite":
        return str(tmp / "registry.db"), lambda: None
    return fresh_pg_database()


def build_world(kind: str, tmp: Path) -> tuple[World, callable]:
    """The world on a new database; and what undoes it."""
    url, drop = backend_url(kind, tmp)
    return _open(kind, World(url=url, home=tmp / "home"), tmp / "files", drop, seed=True)


def clone_world(template: World, kind: str, tmp: Path) -> tuple[World, callable]:
    """A copy of a built world (its database, SENIM_HOME with the keys, and evidence files) that
    a module may change freely: the same people, tokens, sessions and ids, built in a fraction
    of `build_world`'s time (no Argon2 hashing, no seeding through the routes, no assessment)."""
    import shutil

    if kind == "sqlite":
        import sqlite3

        url, drop = str(tmp / "registry.db"), lambda: None
        source, target = sqlite3.connect(template.url), sqlite3.connect(url)
        source.backup(target)  # a consistent copy, whatever the journal mode
        source.close()
        target.close()
    else:
        url, drop = _pg_copy(template.url)
    shutil.copytree(template.home, tmp / "home")
    shutil.copytree(template.files, tmp / "files")
    world = World(url=url, home=tmp / "home", tokens=dict(template.tokens), sessions=dict(template.sessions),
                  other=dict(template.other), own=dict(template.own))
    return _open(kind, world, tmp / "files", drop, seed=False)


def _pg_copy(url: str) -> tuple[str, callable]:
    """A new PostgreSQL database made from `url`'s, which nobody may be connected to; and a function
    that drops it."""
    from sqlalchemy.engine import make_url

    return pg_database("senim_t_", template=make_url(url).database)


def _open(kind: str, world: World, files: Path, drop, seed: bool) -> tuple[World, callable]:
    """The world's app and client on its database (seeded first when `seed`)."""
    from senim.registry.db import Database
    from senim.registry.people import add_token, add_user, sign_in
    from senim.registry.tenancy import add_organisation

    url, home = world.url, world.home
    world.files = files
    saved = os.environ.get("SENIM_HOME")
    os.environ["SENIM_HOME"] = str(home)
    if not seed:
        return _serve(world, files, drop, saved)
    db = Database(url)
    add_organisation(db, "Example Bank JSC", BANK)
    add_organisation(db, "Example Clinic LLP", CLINIC)
    add_organisation(db, "Agency for AI oversight", AUTHORITY, authority=True)
    for org in (BANK, CLINIC):
        for role in ROLES:
            email = f"{role}@{org}.kz"
            add_user(db, email, org, role, PASSWORD)
            world.tokens[(org, role)] = add_token(db, email, f"{role} token")[0]
            world.sessions[(org, role)] = sign_in(db, email, PASSWORD)[0]
    add_user(db, "regulator@agency.kz", AUTHORITY, "regulator", PASSWORD)
    world.tokens[(AUTHORITY, "regulator")] = add_token(db, "regulator@agency.kz", "regulator token")[0]
    world.sessions[(AUTHORITY, "regulator")] = sign_in(db, "regulator@agency.kz", PASSWORD)[0]
    db.dispose()
    built, undo = _serve(world, files, drop, saved)
    _seed(world, CLINIC, world.other, systems=("retail-credit-scoring", "triage-assistant"))
    _seed(world, BANK, world.own, systems=("retail-credit-scoring",))
    return built, undo


def _serve(world: World, files: Path, drop, saved) -> tuple[World, callable]:
    from fastapi.testclient import TestClient

    from senim.web.app import create_app

    world.drop = drop
    world.app = create_app(world.url, files=files, job_threads=1)
    world.client = TestClient(world.app, base_url="http://testserver")
    world.client.__enter__()

    def undo(keep_database: bool = False):
        world.client.__exit__(None, None, None)
        world.app.state.db.dispose()
        if not keep_database:
            drop()
        if saved is None:
            os.environ.pop("SENIM_HOME", None)
        else:
            os.environ["SENIM_HOME"] = saved

    return world, undo


def _seed(world: World, org: str, ids: dict, systems: tuple[str, ...]) -> None:
    """Objects of `org`, made through the API with its admin's token."""
    c, h = world.client, world.token("admin", org)
    for system in systems:
        done = c.post("/api/v1/systems", headers={**h, "content-type": "application/yaml"},
                      content=manifest_yaml(system, org).encode())
        assert done.status_code == 201, done.text
    ids["system"] = systems[-1]
    ids["ledger_seq"] = done.json()["ledger_seq"]
    sent = c.post(f"/api/v1/systems/{systems[0]}/evidence", headers=h,
                  data={"obligation": "kz.owner.risk_management", "answer": "partly", "note": "Тәуекел жоспары"},
                  files={"file": ("Тәуекелдер жоспары.pdf", b"%PDF-1.4\n% a risk plan\n", "application/pdf")})
    assert sent.status_code == 201, sent.text
    ids["evidence"] = sent.json()["id"]
    job = c.post(f"/api/v1/systems/{systems[0]}/assessments", headers=h, json={"lang": "kk"}).json()
    ids["job"] = job["id"]
    ids["assessment"] = wait_job(world, job["id"], h)["result"]["assessment"]
    incident = c.post("/api/v1/incidents", headers=h, json={"kind": "personal_data_breach", "severity": "high",
                                                            "systems": [systems[0]], "summary": "Logs exposed"})
    assert incident.status_code == 201, incident.text
    ids["incident"] = incident.json()["id"]
    name = {BANK: "bank", CLINIC: "clinic"}[org]
    line = json.dumps({"id": f"D-{name}", "subject": f"p-{name}-7f3a", "system": systems[0], "inputs_digest": DIGEST,
                       "output": "declined", "reasons": ["short credit history"]})
    recorded = c.post("/api/v1/decisions", headers={**h, "content-type": "application/x-ndjson"},
                      content=(line + "\n").encode())
    assert recorded.status_code == 201, recorded.text
    ids["subject"] = f"p-{name}-7f3a"
    asked = c.post("/public/requests", headers={"accept": "application/json"}, json={
        "owner": org, "system": systems[0], "kind": "explanation", "contact": f"person@{name}.kz", "text": "Why?",
        "subject": f"p-{name}-7f3a"})
    assert asked.status_code == 201, asked.text
    ids["request"] = c.get("/api/v1/requests", headers=h).json()[0]["id"]
    from senim.registry.people import list_tokens
    from senim.registry.tenancy import Actor

    ids["token"] = list_tokens(world.app.state.db, Actor(org=_org_id(world, org)))[0]["id"]


def _org_id(world: World, bin_: str) -> int:
    from senim.registry.tenancy import organisation

    with world.app.state.db.read() as conn:
        return organisation(conn, bin_=bin_)["id"]


def wait_job(world: World, number: int, headers: dict, timeout: float = 120) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = world.client.get(f"/api/v1/jobs/{number}", headers=headers).json()
        if job["status"] in ("done", "failed"):
            assert job["status"] == "done", job
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {number} did not finish")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """The application served by uvicorn on 127.0.0.1 in a thread of this process."""

    def __init__(self, app):
        import uvicorn

        self.port = free_port()
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline:
                raise AssertionError("the server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc):
        self.server.should_exit = True
        self.thread.join(timeout=30)


# --- the browser tests' shared parts (tests/web/test_browser.py, tests/web/test_public_browser.py)

AXE = ROOT / ".cache" / "axe-core-4.11.0" / "axe.min.js"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


class Checked:
    """A browser page that checks accessibility and keeps a screenshot of each state.

    axe judges the HTML, which is the same whatever database is behind it: on
    PostgreSQL the same journeys run with screenshots but without axe, to keep
    the suite's time (the SQLite run checks every state)."""

    def __init__(self, page, name: str, axe: bool = True):
        self.page, self.name, self.step, self.axe = page, name, 0, axe
        page.set_default_timeout(120_000)  # a busy 2-core machine is slow; a real failure still fails
        ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def check(self, state: str) -> None:
        self.step += 1
        self.page.screenshot(path=str(ARTIFACTS / f"{self.name}-{self.step:02d}-{state}.png"), full_page=True)
        if not self.axe:
            return
        self.page.evaluate(AXE.read_text(encoding="utf-8"))
        result = self.page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG)
        problems = [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
                    for v in result["violations"]]
        assert not problems, f"{self.name} {state} ({self.page.url}): " + "; ".join(problems)


BACKENDS = pytest.mark.parametrize("backend", ["sqlite", "postgresql"], indirect=True)
