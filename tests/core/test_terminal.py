"""Control characters from manifests never reach a terminal raw (issue 17, row R35)."""

from __future__ import annotations

import os
import pty
import select
import subprocess

import pytest
import yaml

from tests.conftest import SENIM, run_cli

EVIL = "\x1b]0;PWNED\x07\x1b[2J\x1b[31mred\u202e"
BASE = {"format": "1.0", "id": "evil-1", "name": EVIL, "owner": {"name": "O"}, "markets": ["KZ"],
        "uses": ["other.x"], "failure_impact": [], "human_oversight": "decides"}


def _on_a_terminal(*args, cwd) -> bytes:
    """What `senim ARGS` writes to a terminal (stdout and stderr on one pty)."""
    master, slave = pty.openpty()
    process = subprocess.Popen([str(SENIM), *map(str, args)], stdout=slave, stderr=slave, cwd=cwd,
                               env={**os.environ, "COLUMNS": "200"})
    os.close(slave)
    out = b""
    while True:
        ready, _, _ = select.select([master], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        out += chunk
    process.wait(60)
    os.close(master)
    return out


@pytest.fixture
def registered(tmp_path):
    path = tmp_path / "evil.yaml"
    path.write_text(yaml.safe_dump(BASE, allow_unicode=False))
    assert yaml.safe_load(path.read_text())["name"] == EVIL
    result = run_cli("register", path, "--db", tmp_path / "r.db", env={"SENIM_HOME": str(tmp_path / "home")})
    assert result.returncode == 0, result.stderr
    return path


@pytest.mark.parametrize("command", [("classify", "{manifest}"), ("systems", "--db", "{db}"),
                                     ("show", "evil-1", "--db", "{db}"), ("validate", "{bad}")])
def test_R35_escape_sequences_from_a_manifest_are_shown_escaped(tmp_path, registered, command):
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump({**BASE, "markets": [EVIL]}))
    args = [a.format(manifest=registered, db=tmp_path / "r.db", bad=bad) for a in command]
    out = _on_a_terminal(*args, cwd=tmp_path)
    assert b"PWNED" in out, out  # the name is shown ...
    assert b"\x1b]0;" not in out and b"\x07" not in out and b"\x1b[2J" not in out, out  # ... never obeyed
    assert b"\x1b[31mred" not in out and "\u202e".encode() not in out, out
    assert b"\\x1b]0;PWNED\\x07" in out or b"\\\\x1b]0;PWNED" in out, out


def test_R35_a_rich_table_is_cleaned_cell_by_cell():
    from rich.table import Table

    from senim.cli.options import _clean_renderable

    table = Table(EVIL)
    table.add_row(EVIL)
    cleaned = _clean_renderable(table)
    assert cleaned.columns[0].header == "\\x1b]0;PWNED\\x07\\x1b[2J\\x1b[31mred\\u202e"
    assert list(cleaned.columns[0].cells) == [cleaned.columns[0].header]
