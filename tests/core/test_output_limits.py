"""Outputs never clobber what they should not, and never leave half a set
(issue 17, rows R24 and R43's full disk)."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import threading
from pathlib import Path

from tests.conftest import ROOT, SENIM, run_cli

EXAMPLE = ROOT / "examples" / "credit-scoring"


def test_R24_output_onto_a_symlink_writes_through_it(tmp_path):
    target = tmp_path / "real.json"
    target.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    result = run_cli("assess", EXAMPLE, "--no-db", "--format", "json", "-o", link)
    assert result.returncode in (0, 1), result.stderr
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text().startswith("{")


def test_R24_output_onto_a_link_to_a_device_writes_into_the_device(tmp_path):
    link = tmp_path / "null"
    link.symlink_to("/dev/null")
    result = run_cli("assess", EXAMPLE, "--no-db", "--format", "json", "-o", link)
    assert result.returncode in (0, 1), result.stderr
    assert link.is_symlink()
    assert Path("/dev/null").is_char_device()


def test_R24_output_onto_a_fifo_writes_into_it(tmp_path):
    fifo = tmp_path / "out.json"
    os.mkfifo(fifo)
    received = []

    def read():
        with open(fifo, "rb") as stream:
            received.append(stream.read())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    result = run_cli("assess", EXAMPLE, "--no-db", "--format", "json", "-o", fifo)
    reader.join(60)
    assert result.returncode in (0, 1), result.stderr
    assert fifo.is_fifo()  # still the FIFO, not a file put in its place
    assert received and received[0].startswith(b"{")


def test_R24_a_fifo_with_no_reader_is_a_sentence_not_a_hang(tmp_path):
    fifo = tmp_path / "out.json"
    os.mkfifo(fifo)
    result = run_cli("assess", EXAMPLE, "--no-db", "--format", "json", "-o", fifo)
    assert result.returncode == 2
    assert result.stderr.startswith(f"senim: {fifo}: cannot be written"), result.stderr
    assert fifo.is_fifo()


def _limited(bytes_: int):
    def apply():
        # writes past the limit fail with EFBIG, as a full disk fails with ENOSPC
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (bytes_, bytes_))
    return apply


def test_R43_a_write_failing_midway_through_the_report_set_leaves_none(tmp_path):
    out = tmp_path / "out"
    # 30 kB: the Markdown, HTML and SARIF reports fit, the signed JSON and the PDF do not
    result = subprocess.run([str(SENIM), "assess", str(EXAMPLE), "--no-db", "--report", str(out)],
                            capture_output=True, text=True, cwd=tmp_path, preexec_fn=_limited(30_000), timeout=300)
    assert result.returncode == 2, result.stderr
    line = result.stderr.strip()
    assert "Traceback" not in line and len(line.splitlines()) == 1, line
    assert line.startswith(f"senim: {out}/retail-credit-scoring.en."), line  # the file, not "output"
    assert "cannot be written (File too large)" in line
    assert sorted(p.name for p in out.iterdir()) == []  # no report, and no temporary file left


def test_R43_the_error_names_the_file_not_the_hidden_temporary_one(tmp_path):
    target = tmp_path / "report.json"
    result = subprocess.run([str(SENIM), "assess", str(EXAMPLE), "--no-db", "--format", "json", "-o", str(target)],
                            capture_output=True, text=True, cwd=tmp_path, preexec_fn=_limited(1000), timeout=300)
    assert result.returncode == 2
    assert result.stderr.strip() == f"senim: {target}: cannot be written (File too large)"
    assert list(tmp_path.iterdir()) == []
