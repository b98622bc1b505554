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
        server.terminate()
        try:
            server.wait(timeout=90)
        except subprocess.TimeoutExpired:
            server.kill()
            raise AssertionError("senim serve did not stop within 90 s of SIGTERM") from None
    assert server.returncode in (0, -15)  # uvicorn stops gracefully, then re-raises SIGTERM


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
