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
