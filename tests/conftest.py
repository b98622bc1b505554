"""Shared test helpers: run the installed `senim` command as a user would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SENIM = Path(sys.executable).parent / "senim"


def run_senim(*args: str, input: bytes | None = None, env: dict | None = None, cwd: Path | None = None,
              timeout: float = 120) -> subprocess.CompletedProcess:
    """Run `senim ARGS...` in a child process; stdout and stderr as text."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([str(SENIM), *map(str, args)], input=input, capture_output=True,
                          env=full_env, cwd=cwd or ROOT, timeout=timeout)


@pytest.fixture
def senim():
    return run_senim
