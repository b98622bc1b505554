"""Shared by tests/registry and tests/ledger: databases, manifests, CLI runs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.pgdb import PG_URL, drop_database, pg_database  # noqa: F401 (drop_database: for web_helpers)

ROOT = Path(__file__).resolve().parents[2]
SENIM = [sys.executable, "-c", "from senim.cli import main; main()"]


@pytest.fixture(autouse=True, name="senim_home")
def home_fixture(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("SENIM_HOME", str(home))
    monkeypatch.delenv("SENIM_DB", raising=False)
    return home


def fresh_pg_database() -> tuple[str, callable]:
    """A new, empty PostgreSQL database and a function that drops it."""
    return pg_database("senim_t_")


@pytest.fixture(params=["sqlite", "postgresql"], name="db_url")
def database_fixture(request, tmp_path):
    if request.param == "sqlite":
        yield str(tmp_path / "registry.db")
        return
    url, drop = fresh_pg_database()
    yield url
    drop()


MANIFESTS = {
    "retail-credit-scoring": """\
format: "1.0"
id: retail-credit-scoring
name: Retail credit scoring
owner: {name: Example Bank JSC, bin: "940140000385", size: large}
markets: [KZ]
uses: [essential_services.creditworthiness]
failure_impact: [moral_or_material_harm]
human_oversight: can_override
capabilities: [profiling]
personal_data: {categories: [identifiers, financial], subjects: 1200000, legal_basis: consent, stored_in_kz: true}
""",
    "triage-assistant": """\
format: "1.0"
id: triage-assistant
name: Emergency triage assistant
owner: {name: Example Clinic LLP, size: medium}
markets: [KZ, EU]
uses: [essential_services.emergency_triage]
failure_impact: [life_health]
human_oversight: can_override
""",
    "support-assistant": """\
format: "1.0"
id: support-assistant
name: Support assistant
owner: {name: Example Telecom JSC, size: large}
markets: [KZ, EU]
uses: [other.customer_support]
failure_impact: [reduced_efficiency]
human_oversight: can_override
capabilities: [interacts_with_people]
synthetic_content: {media: [text]}
""",
}


def write_manifest(folder: Path, system: str, extra: str = "") -> Path:
    path = folder / f"{system}.yaml"
    path.write_text(MANIFESTS[system] + extra, encoding="utf-8")
    return path


def run_cli(*args: str, env: dict | None = None, cwd: Path | None = None, fresh: bool = False):
    """Run `senim ARGS` through the real entry point (senim.cli.main).

    In this process by default (fast); fresh=True starts a new interpreter,
    for what must hold across processes (no database opened, start-up).
    """
    if fresh:
        full_env = {**os.environ, **(env or {})}
        return subprocess.run([*SENIM, *args], capture_output=True, text=True, env=full_env, cwd=cwd, timeout=300)
    import contextlib
    import io

    from senim.cli import main

    out, err = io.StringIO(), io.StringIO()
    saved_env = {k: os.environ.get(k) for k in (env or {})}
    saved_cwd, saved_argv = os.getcwd(), sys.argv
    code = 0
    try:
        os.environ.update(env or {})
        if cwd:
            os.chdir(cwd)
        sys.argv = ["senim", *args]
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main()
            except SystemExit as exit_:
                code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    finally:
        sys.argv = saved_argv
        os.chdir(saved_cwd)
        for key, value in saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return subprocess.CompletedProcess(["senim", *args], code, out.getvalue(), err.getvalue())


def register_as_in_0001(db, manifest_path: Path) -> None:
    """Register a system as schemas 0001 and 0002 stored it (no organisation),
    for tests of what later migrations do to old registries."""
    import hashlib

    from sqlalchemy import text

    from senim.law.engine import classify
    from senim.ledger import chain
    from senim.ledger.canonical import canonical
    from senim.manifest import load_manifest
    from senim.registry.records import jsonable

    manifest = load_manifest(manifest_path)
    data = jsonable(manifest.data, "test")
    classification = jsonable(classify(manifest), "test")
    digest = hashlib.sha256(canonical(data)).hexdigest()
    with db.write() as conn:
        entry = chain.append(conn, "system.registered", {"system": manifest.id, "version": 1, "manifest": data,
                                                          "manifest_sha256": digest, "classification": classification})
        conn.execute(text("INSERT INTO systems (id, name, latest_version, created) VALUES (:i, :n, 1, :t)"),
                     {"i": manifest.id, "n": data.get("name"), "t": "2026-11-01T00:00:00Z"})
        conn.execute(text(
            "INSERT INTO system_versions (system_id, version, manifest, manifest_sha256, source, classification,"
            " kz_risk, eu_category, registered, ledger_seq) VALUES (:i, 1, :m, :d, NULL, :c, :k, :e, :t, :s)"),
            {"i": manifest.id, "m": canonical(data).decode(), "d": digest, "c": canonical(classification).decode(),
             "k": (classification.get("kz") or {}).get("risk"), "e": (classification.get("eu") or {}).get("category"),
             "t": "2026-11-01T00:00:00Z", "s": entry.seq})
