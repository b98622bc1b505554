"""Running the real `senim` command in a subprocess, for the CLI tests."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SENIM = str(Path(sys.executable).parent / "senim")


def senim(*args: str, stdin: bytes | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    import os

    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run([SENIM, *args], input=stdin, capture_output=True, timeout=120, env=full_env)


def jsonl(result: subprocess.CompletedProcess) -> list[dict]:
    return [json.loads(line) for line in result.stdout.decode().splitlines() if line.strip()]
