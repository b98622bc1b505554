"""Rows R16, R18, R22, R23, R25, R26, R40, R41 and R42 of the red-team findings
(../shared/findings/redteam-2026-12.md): how the registry's database is opened.

Where a row needs a user whom file modes bind (R22, R41) and the tests run as
root, who ignores them, the command runs as `nobody` (setpriv), in a folder
that user can reach; as any other user it runs as that user.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import sqlite3
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import text

from registry_helpers import PG_URL, SENIM, fresh_pg_database, run_cli, write_manifest

DIGEST = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
SECRET = "TopSecretPW"
READERS = [["ledger", "verify"], ["systems"], ["show", "retail-credit-scoring"], ["incident", "list"],
           ["incident", "show", "1"], ["decisions", "explain", "p-1"]]


def _one_sentence(result, *words, code=2):
    assert result.returncode == code, (result.stdout, result.stderr)
    out = result.stderr if code == 2 else result.stdout
    assert "Traceback" not in result.stderr and len(out.strip().splitlines()) == 1, (result.stdout, result.stderr)
    for word in words:
        assert word in out, out


def _filled(db_url, tmp_path) -> None:
    """A registry holding a system, a decision and an incident."""
    assert run_cli("register", str(write_manifest(tmp_path, "retail-credit-scoring")), "--db", db_url).returncode == 0
    lines = tmp_path / "d.jsonl"
    lines.write_text(json.dumps({"subject": "p-1", "system": "retail-credit-scoring", "inputs_digest": DIGEST,
                                 "output": "declined", "reasons": ["income"]}) + "\n", encoding="utf-8")
    assert run_cli("decisions", "record", str(lines), "--db", db_url).returncode == 0
    assert run_cli("incident", "new", "--kind", "malfunction", "--severity", "low", "--system", "retail-credit-scoring",
                   "--summary", "s", "--aware-at", "2026-11-30T10:00:00+05:00", "--db", db_url).returncode == 0
    import gc

    gc.collect()  # the in-process commands' connections closed, as a command's exit closes them


def _folder_state(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


# ---------------------------------------------------------------- plain user

def _plain_user_prefix() -> list[str]:
    return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] if os.geteuid() == 0 else []


@pytest.fixture
def plain_place():
    """A folder the plain user can reach (tmp_path's parents are root's own)."""
    folder = Path(tempfile.mkdtemp(prefix="senim-plain-", dir="/tmp"))
    os.chmod(folder, 0o755)
    (folder / "home").mkdir(mode=0o777)
    os.chmod(folder / "home", 0o777)
    yield folder
    for path in folder.rglob("*"):
        if path.is_dir() and not path.is_symlink():
            os.chmod(path, 0o755)
    shutil.rmtree(folder)


def _as_plain_user(*args: str, home: Path, cwd: Path):
    env = {**os.environ, "SENIM_HOME": str(home)}
    env.pop("SENIM_DB", None)
    return subprocess.run([*_plain_user_prefix(), *SENIM, *args], capture_output=True, text=True, env=env,
                          cwd=cwd, timeout=300)


# ---------------------------------------------------------------- R18, R16

def test_R18_a_zero_byte_or_foreign_file_is_reported_and_never_written(tmp_path):
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    notes = tmp_path / "notes.db"
    notes.write_text("these are my notes, not a registry\n" * 200, encoding="utf-8")
    blank = tmp_path / "blank.db"
    sqlite3.connect(blank).close()  # a SQLite file with no tables: 0 bytes too
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    before = _folder_state(tmp_path)
    for path, words in ((empty, "the file is empty (0 bytes), not a registry"), (blank, "the file is empty"),
                        (notes, "damaged or not a Senim registry"), (other, "not a Senim registry")):
        for command in READERS:
            result = run_cli(*command, "--db", str(path))
            _one_sentence(result, str(path), words)
    assert _folder_state(tmp_path) == before  # no byte written, no -wal, -shm or .lock made


def test_R18_an_empty_or_older_postgresql_database_is_not_migrated_by_reading(tmp_path):
    url, drop = fresh_pg_database()
    try:
        for command in READERS:
            _one_sentence(run_cli(*command, "--db", url), "an empty database, not a registry")
        from sqlalchemy import create_engine, inspect

        engine = create_engine(url)
        with engine.connect() as conn:
            assert inspect(conn).get_table_names() == []  # no alembic_version made
        engine.dispose()
    finally:
        drop()


def test_R18_an_older_schema_is_refused_by_reading_and_left_as_it_is(tmp_path):
    from alembic import command

    from senim.registry import Database
    from senim.registry.db import _alembic_config

    path = tmp_path / "old.db"
    old = Database(str(path), migrate=False)
    with old.engine.connect().execution_options(senim_write=True) as conn:
        with conn.begin():
            command.upgrade(_alembic_config(conn), "0002")
    old.dispose()
    before = _folder_state(tmp_path)
    for command in READERS:
        _one_sentence(run_cli(*command, "--db", str(path)), "schema 0002 is older than", "`senim db upgrade`")
    assert _folder_state(tmp_path) == before


def _tamper(path: Path, sql: str) -> None:
    conn = sqlite3.connect(path)  # as an attacker with the file would: the guards first
    with conn:
        for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
            conn.execute(f'DROP TRIGGER "{name}"')
        conn.execute(sql)
    conn.close()


TAMPERED = [
    ("UPDATE ledger_entries SET entry = CAST(x'7b22ff227d' AS TEXT) WHERE seq = 1",
     "ledger_entries.entry of row 1 is not UTF-8 text"),
    ("UPDATE ledger_entries SET entry = CAST(entry AS BLOB) WHERE seq = 2", "ledger_entries.entry of row 2 is stored as blob"),
    ("UPDATE ledger_checkpoints SET body = CAST(body AS BLOB)", "ledger_checkpoints.body of row 1 is stored as blob"),
    ("UPDATE system_versions SET manifest = CAST(x'ff' AS BLOB)", "system_versions.manifest of row"),
    ("UPDATE decisions SET record = '{not json'", "decisions.record of row 1 is not JSON"),
    ("UPDATE incidents SET record = 7", "incident 1: does not match its ledger entries"),
    ("UPDATE system_versions SET classification = '[]'", "a stored row cannot be read"),  # JSON of another shape
    ("DROP TABLE incident_updates", "the table incident_updates is missing"),
]


@pytest.mark.parametrize("sql, words", TAMPERED, ids=[f"case{i}" for i in range(len(TAMPERED))])
def test_R16_a_registry_changed_outside_senim_is_reported_never_a_traceback(tmp_path, sql, words):
    path = tmp_path / "x.db"
    _filled(str(path), tmp_path)
    _tamper(path, sql)
    before = _folder_state(tmp_path)
    verified = run_cli("ledger", "verify", "--db", str(path))
    if verified.returncode == 2:  # read before the audit (the ledger's genesis): one sentence naming the registry
        _one_sentence(verified, str(path), "damaged or not a Senim registry")
    else:
        _one_sentence(verified, "ledger broken: registry: " + words, code=1)
    for command in READERS[1:]:
        result = run_cli(*command, "--db", str(path))
        assert "Traceback" not in result.stderr and result.returncode in (0, 2), (command, result.stderr)
        if result.returncode == 2:
            _one_sentence(result, str(path))
    assert _folder_state(tmp_path) == before


def test_R16_damaged_pages_are_one_sentence(tmp_path):
    path = tmp_path / "x.db"
    _filled(str(path), tmp_path)
    data = bytearray(path.read_bytes())
    data[4096:] = b"\x5a" * (len(data) - 4096)  # every page after the first overwritten
    path.write_bytes(bytes(data))
    before = _folder_state(tmp_path)
    for command in READERS:
        _one_sentence(run_cli(*command, "--db", str(path)), "damaged or not a Senim registry")
    assert _folder_state(tmp_path) == before


# ---------------------------------------------------------------- R22, R41

def test_R22_a_read_only_registry_file_is_one_sentence_for_register_and_incident_new(plain_place):
    home, folder = plain_place / "home", plain_place / "rw"
    folder.mkdir()
    os.chmod(folder, 0o777)  # a writable folder: only the file is read-only
    manifest = write_manifest(folder, "retail-credit-scoring")
    os.chmod(manifest, 0o644)
    db = folder / "senim.db"
    _filled(str(db), folder)
    os.chmod(db, 0o444)
    before = _folder_state(folder)
    for args in (["register", str(manifest)],
                 ["incident", "new", "--kind", "malfunction", "--severity", "low", "--system", "retail-credit-scoring",
                  "--summary", "s"]):
        result = _as_plain_user(*args, "--db", str(db), home=home, cwd=folder)
        _one_sentence(result, str(db), "read-only")
    assert _folder_state(folder) == before


def test_R41_a_read_only_copy_can_be_verified_and_listed(plain_place, tmp_path):
    home, folder = plain_place / "home", plain_place / "ro"
    folder.mkdir()
    db = folder / "senim.db"
    sources = plain_place / "src"  # the registered manifest's folder, which `decisions explain` reads
    sources.mkdir()
    os.chmod(sources, 0o755)
    _filled(str(sources / "senim.db"), sources)
    for path in sources.iterdir():
        os.chmod(path, 0o644)
    assert not (sources / "senim.db-wal").exists()  # closed cleanly: no write-ahead log to replay
    shutil.copy(sources / "senim.db", db)  # the copy an auditor is given
    os.chmod(db, 0o444)
    os.chmod(folder, 0o555)
    before = _folder_state(folder)
    for command in READERS:
        result = _as_plain_user(*command, "--db", str(db), home=home, cwd=plain_place)
        assert result.returncode == 0 and "Traceback" not in result.stderr, (command, result.stderr)
        if command == ["ledger", "verify"]:
            assert result.stdout.startswith("ledger intact: "), result.stdout
    assert sorted(p.name for p in folder.iterdir()) == ["senim.db"]  # no -wal, -shm or .lock made
    assert _folder_state(folder) == before


def test_R41_reading_commands_open_postgresql_read_only(db_url, tmp_path):
    if not db_url.startswith("postgresql"):
        path = Path(db_url)
        _filled(db_url, tmp_path)
        from senim.registry import Database

        reader = Database(db_url, readonly=True)
        with pytest.raises(Exception, match="readonly|read-only|query_only"):
            with reader.engine.connect() as conn:
                conn.exec_driver_sql("INSERT INTO login_failures (email, at) VALUES ('x', 1)")
        reader.dispose()
        assert path.exists()
        return
    _filled(db_url, tmp_path)
    from senim.errors import InputError
    from senim.registry import Database

    reader = Database(db_url, readonly=True)
    with reader.read() as conn:
        assert conn.execute(text("SHOW default_transaction_read_only")).scalar_one() == "on"
    with pytest.raises(InputError, match="read-only transaction"):
        with reader.read() as conn:
            conn.execute(text("INSERT INTO login_failures (email, at) VALUES ('x', 1)"))
    reader.dispose()


# ---------------------------------------------------------------- R40, R42

def test_R40_a_symlink_loop_or_a_device_node_as_db_is_one_sentence(tmp_path):
    manifest = write_manifest(tmp_path, "retail-credit-scoring")
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    for command in (["register", str(manifest)], *READERS):
        _one_sentence(run_cli(*command, "--db", str(tmp_path / "a")), "a loop of symbolic links")

    if os.geteuid() == 0:  # a device node of our own, as the finding made one
        device = tmp_path / "mynull"
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    else:
        device = Path("/dev/null")
    for command in (["register", str(manifest)], *READERS):
        _one_sentence(run_cli(*command, "--db", str(device)), "is not a regular file")
    assert stat.S_ISCHR(os.stat(device).st_mode)
    assert not Path(str(device) + "-journal").exists() and not Path(str(device) + ".lock").exists()
    folder = tmp_path / "afolder"
    folder.mkdir()
    _one_sentence(run_cli("register", str(manifest), "--db", str(folder)), "is a folder")


def test_R40_numbers_past_64_bits_name_no_row(db_url, tmp_path):
    _filled(db_url, tmp_path)
    huge = str(2**63)
    for command, words in ((["incident", "show", huge], "no such incident"),
                           (["incident", "update", huge, "--note", "x"], "no such incident"),
                           (["show", "retail-credit-scoring", "--version", huge], f"no version {huge}")):
        _one_sentence(run_cli(*command, "--db", db_url), words)


def test_R42_the_lock_file_is_never_opened_through_a_symlink(tmp_path):
    manifest = write_manifest(tmp_path, "retail-credit-scoring")
    db = tmp_path / "reg.db"
    victim = tmp_path / "VICTIM"
    (tmp_path / "reg.db.lock").symlink_to(victim)
    _one_sentence(run_cli("register", str(manifest), "--db", str(db)), "reg.db.lock", "symbolic link")
    assert not victim.exists()
    victim.write_text("precious\n")
    _one_sentence(run_cli("register", str(manifest), "--db", str(db)), "symbolic link")
    assert victim.read_text() == "precious\n"
    (tmp_path / "reg.db.lock").unlink()
    assert run_cli("register", str(manifest), "--db", str(db)).returncode == 0


# ---------------------------------------------------------------- R23, R25

@pytest.fixture
def silent_server():
    """A real listening socket that accepts connections (the kernel completes
    the handshake) and never answers."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    yield listener.getsockname()[1]
    listener.close()


def test_R23_a_server_that_never_answers_is_one_sentence(silent_server):
    url = f"postgresql://senim:{SECRET}@127.0.0.1:{silent_server}/reg?connect_timeout=1"
    for command in (["systems"], ["ledger", "verify"], ["incident", "list"]):
        result = run_cli(*command, "--db", url, fresh=True)
        _one_sentence(result, f"127.0.0.1:{silent_server}", "timeout")
        assert SECRET not in result.stderr + result.stdout


def test_R23_postgresql_sessions_have_default_timeouts_the_url_can_override():
    from senim.registry import Database

    url, drop = fresh_pg_database()
    try:
        for given, connect, statement in (("", "10", "5min"),
                                          ("?connect_timeout=3&options=-c%20statement_timeout%3D1500", "3", "1500ms")):
            for readonly in (False, True):
                db = Database(url + given, readonly=readonly)
                with db.read() as conn:
                    parameters = conn.connection.driver_connection.info.get_parameters()
                    assert parameters["connect_timeout"] == connect
                    assert conn.execute(text("SHOW statement_timeout")).scalar_one() == statement
                db.dispose()
    finally:
        drop()


def test_R25_a_database_password_is_never_printed(tmp_path, silent_server):
    from sqlalchemy.engine import make_url

    real = make_url(PG_URL)
    manifest = write_manifest(tmp_path, "retail-credit-scoring")
    lines = tmp_path / "d.jsonl"
    lines.write_text(json.dumps({"subject": "p-1", "system": "x", "inputs_digest": DIGEST, "output": "o"}) + "\n")
    urls = [
        f"postgresql://senim:{SECRET}@127.0.0.1:notaport/reg",                      # malformed port
        f"postgresql://senim:{SECRET}@127.0.0.1:99999/reg",                         # no such port
        f"mysql://senim:{SECRET}@127.0.0.1/reg",                                    # unsupported driver
        f"postgresql+nosuchdriver://senim:{SECRET}@127.0.0.1/reg",
        f"postgresql://senim:{SECRET}@127.0.0.1:1/reg",                             # connection refused
        # the real server, a database that is not there (the test server trusts local users, so a
        # wrong password alone would be let in)
        f"postgresql://{real.username}:{SECRET}@{real.host}:{real.port}/senim_no_such_database",
        f"postgresql://senim:{SECRET}@127.0.0.1:{silent_server}/reg?connect_timeout=1",
        f"postgresql://senim:{SECRET}@[::1/reg",                                    # not a URL at all
    ]
    for url in urls:
        for command in (["register", str(manifest)], ["systems"], ["ledger", "verify"], ["decisions", "record", str(lines)],
                        ["incident", "list"], ["db", "upgrade"]):
            result = run_cli(*command, "--db", url)
            assert result.returncode == 2, (url, command, result.stdout, result.stderr)
            assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
            assert SECRET not in result.stderr + result.stdout, (url, command, result.stderr)


# ---------------------------------------------------------------- R26

def test_R26_nul_in_a_manifest_text_field_validate_and_register_agree(db_url, tmp_path):
    path = tmp_path / "nul.yaml"
    path.write_text(write_manifest(tmp_path, "retail-credit-scoring").read_text().replace(
        "name: Retail credit scoring", 'name: "Retail\\0credit"'), encoding="utf-8")
    validated = run_cli("validate", str(path))
    registered = run_cli("register", str(path), "--db", db_url)
    assert "Traceback" not in validated.stderr + registered.stderr
    assert (validated.returncode == 0) == (registered.returncode == 0), (validated.stderr, registered.stderr)
    if registered.returncode == 0:  # stored safely: the name comes back as written
        shown = run_cli("show", "retail-credit-scoring", "--format", "json", "--db", db_url)
        assert json.loads(shown.stdout)["manifest"]["name"] == "Retail\0credit"
    else:
        _one_sentence(registered, "nul.yaml")
        _one_sentence(validated, "nul.yaml")


def test_R26_nul_or_control_characters_in_a_decision_subject_or_system_are_refused(db_url, tmp_path):
    _filled(db_url, tmp_path)
    for field, value in (("subject", "p\u00001"), ("subject", "p\u001b[2J"), ("system", "retail\u0000")):
        record = {"subject": "p-2", "system": "retail-credit-scoring", "inputs_digest": DIGEST, "output": "o",
                  field: value}
        path = tmp_path / "c.jsonl"
        path.write_text(json.dumps(record) + "\n", encoding="utf-8")
        _one_sentence(run_cli("decisions", "record", str(path), "--db", db_url), "c.jsonl:1", f"{field}: ", "control")
    # Elsewhere in a record a NUL is JSON text (\u0000), which PostgreSQL stores like any other.
    record = {"subject": "p-3", "system": "retail-credit-scoring", "inputs_digest": DIGEST, "output": "a\u0000b"}
    path = tmp_path / "n.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    assert run_cli("decisions", "record", str(path), "--db", db_url).returncode == 0
    assert run_cli("ledger", "verify", "--db", db_url).returncode == 0
