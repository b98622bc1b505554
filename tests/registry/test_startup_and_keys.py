"""Start-up stays light, and the ledger key is private."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

from registry_helpers import run_cli, write_manifest


def test_cli_module_imports_no_database_library():
    code = ("import sys, senim.cli.app, senim.cli.registry; "
            "print(sorted(m for m in ('sqlalchemy', 'alembic', 'psycopg', 'cryptography', 'holidays') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_ledger_key_is_created_once_and_private(tmp_path, senim_home):
    db = str(tmp_path / "k.db")
    first = run_cli("register", str(write_manifest(tmp_path, "support-assistant")), "--db", db, fresh=True)
    assert first.returncode == 0, first.stderr
    assert first.stderr.count("created the ledger signing key") == 1
    key = senim_home / "keys" / "ledger-ed25519.pem"
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(key.parent).st_mode) == 0o700
    second = run_cli("register", str(write_manifest(tmp_path, "triage-assistant")), "--db", db, fresh=True)
    assert second.returncode == 0 and "created" not in second.stderr


def test_a_new_sqlite_registry_is_owner_only_and_an_old_one_keeps_its_mode(tmp_path):
    """It holds decisions about people and incidents: 0600, like the keys,
    even under the common umask 022 that makes new files world-readable."""
    saved = os.umask(0o022)
    try:
        new = tmp_path / "new" / "senim.db"
        result = run_cli("register", str(write_manifest(tmp_path, "support-assistant")), "--db", str(new))
        assert result.returncode == 0, result.stderr
        import sqlite3

        reader = sqlite3.connect(new)  # holds the write-ahead log and its index open
        reader.execute("SELECT count(*) FROM ledger_entries").fetchone()
        try:
            for path in (new, new.parent / "senim.db-wal", new.parent / "senim.db-shm", new.parent / "senim.db.lock"):
                assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, path
        finally:
            reader.close()

        shared = tmp_path / "shared.db"
        assert run_cli("db", "upgrade", "--db", str(shared)).returncode == 0
        os.chmod(shared, 0o640)  # the owner chose to share it with a group
        assert run_cli("register", str(write_manifest(tmp_path, "triage-assistant")), "--db", str(shared)).returncode == 0
        assert stat.S_IMODE(os.stat(shared).st_mode) == 0o640
    finally:
        os.umask(saved)


def test_an_empty_or_broken_ledger_key_is_one_sentence_and_stores_nothing(tmp_path, senim_home):
    keys = senim_home / "keys"
    keys.mkdir(parents=True)
    key = keys / "ledger-ed25519.pem"
    db = tmp_path / "k.db"
    for content, words in ((b"", "is empty"), (b"-----BEGIN PRIVATE KEY-----\nnot base64\n", "not an unencrypted Ed25519")):
        key.write_bytes(content)
        result = run_cli("register", str(write_manifest(tmp_path, "support-assistant")), "--db", str(db), fresh=True)
        assert result.returncode == 2, result.stderr
        assert result.stderr.startswith(f"senim: {key}: ") and words in result.stderr
        # one sentence of error (a notice that the key file is open to others may stand before it, R38)
        errors = [l for l in result.stderr.strip().splitlines() if "is empty" in l or "not an unencrypted" in l or "Ed25519" in l]
        assert len(errors) >= 1 and result.stderr.strip().splitlines()[-1] in errors and "Traceback" not in result.stderr
        assert key.read_bytes() == content  # left for the owner to look at
        if db.exists():  # the registry may be made, but nothing is registered
            import sqlite3

            with sqlite3.connect(db) as conn:
                assert conn.execute("SELECT count(*) FROM systems").fetchone()[0] == 0


def test_an_empty_key_file_is_waited_for_only_while_it_may_be_filled(tmp_path, monkeypatch):
    """What the wall-clock bound of the test above stood for, as behaviour: an
    empty key file that stays empty is refused once the wait is over (not
    waited on for ever), and one filled during the wait is read."""
    import threading

    import pytest

    from senim import paths
    from senim.errors import InputError

    key = tmp_path / "k.key"
    key.write_bytes(b"")
    monkeypatch.setattr(paths, "KEY_FILL_WAIT", 0.0)
    with pytest.raises(InputError, match="file is empty"):
        paths.read_key_file(key, "ledger key")

    monkeypatch.setattr(paths, "KEY_FILL_WAIT", 600.0)  # the filler, not the clock, ends this wait
    filler = threading.Timer(0.05, key.write_bytes, args=(b"ab" * 16 + b"\n",))
    filler.start()
    try:
        assert paths.read_key_file(key, "ledger key") == b"ab" * 16
    finally:
        filler.join()
