"""Key and report files are read with a bound, never from a device or a FIFO,
and a key open to others is pointed out (issue 17, rows R14, R33, R38)."""

from __future__ import annotations

import os
import threading

import pytest

from tests.conftest import run_cli

KEY = b"a pseudonym key of more than sixteen bytes\n"


def _text(tmp_path):
    path = tmp_path / "in.txt"
    path.write_text("Aigerim, IIN 061211600012\n")
    return path


def _redact(tmp_path, key):
    return run_cli("redact", _text(tmp_path), "-o", tmp_path / "o.txt", "--mode", "pseudonym", "--key-file", key)


def _refused(result, *words):
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    line = result.stderr.strip()
    assert len(line.splitlines()) == 1, line
    for word in words:
        assert word in line, line


def test_R14_a_key_file_of_dev_zero_is_refused(tmp_path):
    _refused(_redact(tmp_path, "/dev/zero"), "/dev/zero", "pseudonym key", "is a device")
    assert not (tmp_path / "o.txt").exists()


def test_R14_a_key_file_past_its_bound_is_refused(tmp_path):
    key = tmp_path / "big.key"
    key.write_bytes(b"k" * (65 * 1024))
    key.chmod(0o600)
    _refused(_redact(tmp_path, key), str(key), "at most 64 KB")


def test_R33_a_fifo_key_file_is_refused_not_waited_on(tmp_path):
    fifo = tmp_path / "key.fifo"
    os.mkfifo(fifo, 0o600)
    _refused(_redact(tmp_path, fifo), str(fifo), "is a FIFO")


def test_R33_a_fifo_fed_a_key_is_still_refused(tmp_path):
    fifo = tmp_path / "key.fifo"
    os.mkfifo(fifo, 0o600)

    def feed():
        try:
            with open(fifo, "wb") as out:
                out.write(KEY)
        except OSError:
            pass

    threading.Thread(target=feed, daemon=True).start()
    _refused(_redact(tmp_path, fifo), "is a FIFO")


@pytest.mark.parametrize("command", [("report", "verify", "/dev/zero"),
                                     ("report", "verify", "--key", "/dev/zero", "README.md"),
                                     ("ledger", "verify", "--key", "/dev/zero")])
def test_R14_report_and_public_key_files_are_bounded(tmp_path, command):
    _refused(run_cli(*command, "--db", tmp_path / "r.db") if command[0] == "ledger" else run_cli(*command),
             "/dev/zero", "is a device")


def test_R14_a_huge_report_is_refused_by_its_bound(tmp_path):
    report = tmp_path / "report.json"
    with open(report, "wb") as out:
        out.truncate(65 * 1024 * 1024)  # sparse: past the 64 MB bound without using the disk
    _refused(run_cli("report", "verify", report), str(report), "at most 64 MB")


def test_R38_a_world_readable_key_file_gets_a_warning(tmp_path):
    key = tmp_path / "my.key"
    key.write_bytes(KEY)
    key.chmod(0o644)
    result = _redact(tmp_path, key)
    assert result.returncode == 0, result.stderr
    assert f"senim: {key}: the key file is open to anyone on this machine (mode 0644); " \
           f"make it its owner's only: chmod 600 {key}" in result.stderr


def test_R38_a_group_readable_key_file_gets_a_warning(tmp_path):
    key = tmp_path / "my.key"
    key.write_bytes(KEY)
    key.chmod(0o640)
    assert "open to its group (mode 0640)" in _redact(tmp_path, key).stderr


def test_R38_a_symlinked_key_file_gets_a_warning(tmp_path):
    key = tmp_path / "real.key"
    key.write_bytes(KEY)
    key.chmod(0o600)
    link = tmp_path / "my.key"
    link.symlink_to(key)
    result = _redact(tmp_path, link)
    assert result.returncode == 0, result.stderr
    assert f"{link}: the key file is a symbolic link (to {key})" in result.stderr


def test_R38_an_owner_only_key_file_gets_no_word(tmp_path):
    key = tmp_path / "my.key"
    key.write_bytes(KEY)
    key.chmod(0o600)
    result = _redact(tmp_path, key)
    assert result.returncode == 0 and "key file" not in result.stderr, result.stderr


def test_R38_the_ledger_key_at_0644_gets_a_warning(tmp_path):
    from tests.conftest import ROOT

    env = {"SENIM_HOME": str(tmp_path / "home")}
    db = tmp_path / "r.db"
    first = run_cli("register", ROOT / "examples" / "credit-scoring", "--db", db, env=env)
    assert first.returncode == 0, first.stderr
    key = tmp_path / "home" / "keys" / "ledger-ed25519.pem"
    assert "open to" not in first.stderr  # made 0600 by Senim
    key.chmod(0o644)
    again = run_cli("register", ROOT / "examples" / "kazakh-llm", "--db", db, env=env, fresh=True)  # no key cached
    assert again.returncode == 0, again.stderr
    assert f"senim: {key}: the key file is open to anyone on this machine (mode 0644)" in again.stderr
