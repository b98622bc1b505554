"""The commands of the web door (serve, worker, org, user, token) and what
schema 0003 does to a registry made before it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request

import pytest

from web_helpers import AUTHORITY, BANK, CLINIC, ROOT, free_port
from registry_helpers import database_fixture, home_fixture, register_as_in_0001, run_cli, write_manifest  # noqa: F401

SENIM = [sys.executable, "-c", "from senim.cli import main; main()"]


def test_org_user_and_token_commands(db_url, senim_home):
    assert run_cli("org", "add", "Example Bank JSC", "--bin", BANK, "--db", db_url).returncode == 0
    bad = run_cli("org", "add", "Typo LLP", "--bin", "940140000386", "--db", db_url)
    assert bad.returncode == 2 and bad.stderr == "senim: organisation: bin: '940140000386' fails the BIN check digit\n"
    again = run_cli("org", "add", "Again", "--bin", BANK, "--db", db_url)
    assert again.returncode == 2 and "exists already" in again.stderr
    done = subprocess.run([*SENIM, "user", "add", "Officer@Bank.kz", "--org", BANK, "--role", "compliance",
                           "--password-stdin", "--db", db_url], input="a long enough password\n", text=True,
                          capture_output=True, env={**os.environ, "SENIM_HOME": str(senim_home)}, timeout=120)
    assert done.returncode == 0 and done.stdout == "user 1: officer@bank.kz (compliance)\n", done.stderr
    regulator = run_cli("user", "add", "r@bank.kz", "--org", BANK, "--role", "regulator", "--db", db_url)
    assert regulator.returncode == 2 and "authority organisation" in regulator.stderr
    token = run_cli("token", "add", "officer@bank.kz", "--name", "ci", "--expires", "30", "--db", db_url)
    assert token.returncode == 0 and token.stdout.startswith("senim_") and "shown only now" in token.stderr
    assert run_cli("token", "revoke", "1", "--db", db_url).returncode == 0
    assert run_cli("token", "revoke", "9", "--db", db_url).returncode == 2
    verified = run_cli("ledger", "verify", "--db", db_url)
    assert verified.returncode == 0 and "intact" in verified.stdout


def test_the_cli_does_not_load_the_web_libraries_for_other_commands():
    code = ("import sys; sys.argv = ['senim', '--help']\nfrom senim.cli import main\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('fastapi', 'uvicorn', 'argon2', 'starlette', 'babel') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_senim_serve_serves_and_stops(tmp_path, senim_home):
    port = free_port()
    env = {**os.environ, "SENIM_HOME": str(senim_home)}
    server = subprocess.Popen([*SENIM, "serve", "--port", str(port), "--db", str(tmp_path / "r.db")], env=env,
                              stderr=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
                    assert b'"ok":true' in answer.read()
                    break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None, server.stderr.read()
                time.sleep(0.2)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=5) as answer:
            page = answer.read().decode()
            assert answer.headers["content-security-policy"].startswith("default-src 'self'")
            assert '<html lang="en">' in page and "/static/htmx-2.0.11.min.js" in page
    finally:
        _stop(server, "senim serve")


def _children(pid: int) -> list[str]:
    """The command lines of a process's children (Linux /proc)."""
    found = []
    for child in open(f"/proc/{pid}/task/{pid}/children").read().split():
        try:
            found.append(open(f"/proc/{child}/cmdline").read().replace("\0", " "))
        except FileNotFoundError:
            pass
    return found


def test_senim_serve_with_workers_shares_sessions_limits_and_jobs(db_url, senim_home):
    """Two processes on one port: a session made through one is good on every new connection,
    the sign-in limit counts the wrong passwords whichever process heard them, and a job is run
    once by the job threads of both."""
    import http.cookiejar
    import json
    from urllib.parse import urlencode

    from web_helpers import PASSWORD, manifest_yaml

    assert run_cli("org", "add", "Example Bank JSC", "--bin", BANK, "--db", db_url).returncode == 0
    for email in ("admin@bank.kz", "other@bank.kz"):
        added = subprocess.run([*SENIM, "user", "add", email, "--org", BANK, "--role", "admin", "--password-stdin",
                                "--db", db_url], input=PASSWORD + "\n", text=True, capture_output=True, timeout=120,
                               env={**os.environ, "SENIM_HOME": str(senim_home)})
        assert added.returncode == 0, added.stderr
    token = run_cli("token", "add", "admin@bank.kz", "--db", db_url).stdout.strip()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([*SENIM, "serve", "--port", str(port), "--db", db_url, "--workers", "2",
                               "--job-threads", "1"], env={**os.environ, "SENIM_HOME": str(senim_home)},
                              stderr=subprocess.PIPE, text=True, cwd=ROOT)

    def call(method: str, path: str, body: bytes | None = None, headers: dict | None = None, opener=None):
        request = urllib.request.Request(base + path, data=body, method=method, headers=headers or {})
        try:
            with (opener.open if opener else urllib.request.urlopen)(request, timeout=30) as answer:
                return answer.status, answer.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if call("GET", "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline and server.poll() is None, server.stderr.read()
            time.sleep(0.3)
        assert sum("spawn_main" in line for line in _children(server.pid)) == 2
        jar = http.cookiejar.CookieJar()
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        form = urlencode({"email": "admin@bank.kz", "password": PASSWORD, "next": "/"}).encode()
        status, _ = call("POST", "/login", form, {"content-type": "application/x-www-form-urlencoded"}, browser)
        assert status == 200 and [c.name for c in jar] == ["senim_session"]
        for _ in range(12):  # a new connection each time, to either process
            status, page = call("GET", "/", headers={"accept": "text/html"}, opener=browser)
            assert status == 200 and "Example Bank JSC" in page.decode()
        for _ in range(5):  # FAILURES wrong passwords, each on its own connection
            wrong = urlencode({"email": "other@bank.kz", "password": "not the password at all"}).encode()
            assert call("POST", "/login", wrong, {"content-type": "application/x-www-form-urlencoded"})[0] == 401
        right = urlencode({"email": "other@bank.kz", "password": PASSWORD}).encode()
        assert call("POST", "/login", right, {"content-type": "application/x-www-form-urlencoded"})[0] == 429
        bearer = {"authorization": f"Bearer {token}"}
        status, _ = call("POST", "/api/v1/systems", manifest_yaml("retail-credit-scoring", BANK).encode(),
                         {**bearer, "content-type": "application/yaml"})
        assert status == 201
        status, job = call("POST", "/api/v1/systems/retail-credit-scoring/assessments", b'{"lang": "en"}',
                           {**bearer, "content-type": "application/json"})
        assert status == 202
        number = json.loads(job)["id"]
        deadline = time.monotonic() + 180
        while (found := json.loads(call("GET", f"/api/v1/jobs/{number}", headers=bearer)[1]))["status"] != "done":
            assert found["status"] in ("queued", "running") and time.monotonic() < deadline, found
            time.sleep(0.5)
        assert found["result"]["assessment"] == 1
    finally:
        _stop(server, "senim serve --workers 2")
    from senim.registry.db import Database
    from sqlalchemy import text

    database = Database(db_url)
    with database.read() as conn:  # the job claimed and recorded once, by one of the processes
        assert conn.execute(text("SELECT count(*) FROM assessments")).scalar() == 1
        assert conn.execute(text("SELECT count(*) FROM jobs WHERE status = 'done'")).scalar() == 1
    database.dispose()


def test_schema_0003_gives_old_rows_to_the_organisation_of_their_owners_bin(db_url, tmp_path):
    from alembic import command
    from sqlalchemy import text

    from senim.registry import Database, list_systems, show
    from senim.registry.db import _alembic_config
    from senim.registry.tenancy import Actor, list_organisations

    old = Database(db_url, migrate=False)
    with old.engine.connect().execution_options(senim_write=True) as conn:
        with conn.begin():
            command.upgrade(_alembic_config(conn), "0002")
    for system in ("retail-credit-scoring", "triage-assistant", "support-assistant"):
        register_as_in_0001(old, write_manifest(tmp_path, system))
    old.dispose()

    db = Database(db_url)
    orgs = {o["bin"]: o for o in list_organisations(db)}
    assert orgs[None]["id"] == 1 and orgs[None]["name"] == "Default organisation"
    assert orgs[BANK]["name"] == "Example Bank JSC"  # from the manifest's owner
    bank = Actor(org=orgs[BANK]["id"])
    default = Actor(org=1)
    assert [s["id"] for s in list_systems(db, actor=bank)] == ["retail-credit-scoring"]
    assert [s["id"] for s in list_systems(db, actor=default)] == ["support-assistant", "triage-assistant"]
    assert show(db, "retail-credit-scoring", actor=bank)["version"] == 1
    with db.read() as conn:
        owners = dict(conn.execute(text("SELECT seq, organisation_id FROM ledger_owners")).all())
    assert sorted(owners.values()) == sorted([orgs[BANK]["id"], 1, 1])
    db.dispose()
    verified = run_cli("ledger", "verify", "--db", db_url)
    assert verified.returncode == 0 and "intact" in verified.stdout
    # The CLI registers a new version into the organisation the system already belongs to.
    again = run_cli("register", str(write_manifest(tmp_path, "retail-credit-scoring", "description: changed\n")),
                    "--db", db_url)
    assert again.returncode == 0 and "version 2" in again.stdout, again.stderr


def test_one_migration_head():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from senim.registry.db import MIGRATIONS

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def _stop(server, what: str) -> None:
    """SIGTERM, then wait: uvicorn stops gracefully and re-raises SIGTERM (exit 0 or -15)."""
    server.terminate()
    try:
        server.wait(timeout=90)
    except subprocess.TimeoutExpired:
        server.kill()
        raise AssertionError(f"{what} did not stop within 90 s of SIGTERM") from None
    assert server.returncode in (0, -15)
