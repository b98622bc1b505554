"""A binary report (PDF) never goes to a terminal; to a pipe, a file or -o it does."""

from __future__ import annotations

import os
import pty
import subprocess
import threading

from tests.assessment.assess_helpers import BASE, SENIM, run, write


def _on_terminal(*args, home, timeout: float = 120) -> tuple[int, bytes, str]:
    """`senim ARGS...` with stdout on a pseudo-terminal, as a user at a shell runs it."""
    master, slave = pty.openpty()
    seen = bytearray()

    def drain() -> None:  # keep reading, so a wrongly written PDF cannot fill the terminal and hang
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                return
            if not chunk:
                return
            seen.extend(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    env = {**os.environ, "SENIM_HOME": str(home)}
    env.pop("SENIM_DB", None)
    try:
        done = subprocess.run([str(SENIM), *map(str, args)], stdout=slave, stderr=subprocess.PIPE,
                              stdin=subprocess.DEVNULL, env=env, timeout=timeout)
    finally:
        os.close(slave)
    reader.join(timeout=10)
    os.close(master)
    return done.returncode, bytes(seen), done.stderr.decode("utf-8", "replace")


def test_pdf_to_a_terminal_is_refused_before_anything_is_stored(tmp_path):
    manifest = write(tmp_path, BASE)
    database = tmp_path / "registry.db"
    code, shown, stderr = _on_terminal("assess", manifest, "--format", "pdf", "--db", f"sqlite:///{database}",
                                       home=tmp_path / "home")
    assert code == 2, stderr
    assert b"%PDF" not in shown
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("senim: --format pdf: "), stderr
    assert "-o/--output" in lines[0] and "redirect" in lines[0]
    assert "Traceback" not in stderr
    assert not database.exists()  # refused before the assessment was stored


def test_text_to_a_terminal_is_still_printed(tmp_path):
    manifest = write(tmp_path, BASE)
    code, shown, stderr = _on_terminal("assess", manifest, home=tmp_path / "home")
    assert code == 0, stderr
    assert b"Loan screening" in shown


def test_pdf_to_a_pipe_and_to_output_file(tmp_path):
    manifest = write(tmp_path, BASE)
    env = {**os.environ, "SENIM_HOME": str(tmp_path / "home")}
    env.pop("SENIM_DB", None)
    piped = subprocess.run([str(SENIM), "assess", str(manifest), "--format", "pdf"], capture_output=True, env=env,
                           timeout=120)
    assert piped.returncode == 0, piped.stderr
    assert piped.stdout.startswith(b"%PDF-") and piped.stdout.rstrip().endswith(b"%%EOF")

    target = tmp_path / "out" / "report.pdf"
    done = run("assess", manifest, "--format", "pdf", "-o", target, home=tmp_path / "home")
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert target.read_bytes().startswith(b"%PDF-")
    assert str(target) in done.stderr

    done = run("assess", manifest, "--format", "pdf", "--output", tmp_path, home=tmp_path / "home")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.strip() == f"senim: {tmp_path}: --output: is a folder; give the name of a file to write"
