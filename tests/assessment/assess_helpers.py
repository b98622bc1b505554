"""Helpers of the assessment tests: manifests in tmp_path, the CLI as a user runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
SENIM = Path(sys.executable).parent / "senim"
EXAMPLES = sorted(p.parent for p in (ROOT / "examples").glob("*/senim.yaml"))
CREDIT = ROOT / "examples" / "credit-scoring"

# A medium-risk scoring system, written out so tests can add and remove facts.
BASE = """\
format: "1.0"
id: loan-screening
name: Loan screening
owner: {name: Test Bank JSC, bin: "940140000385", size: large}
markets: [KZ]
uses: [essential_services.creditworthiness]
failure_impact: [moral_or_material_harm]
human_oversight: can_override
"""


def run(*args, home: Path, cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """`senim ARGS...` in a child process with its own SENIM_HOME; text output."""
    env = {**os.environ, "SENIM_HOME": str(home)}
    env.pop("SENIM_DB", None)
    if args and args[0] in ("assess",) and "--db" not in args:
        args = (*args, "--no-db")  # never into a ./senim.db that `make demo` left at the root
    return subprocess.run([str(SENIM), *map(str, args)], capture_output=True, text=True, env=env,
                          cwd=cwd or ROOT, timeout=timeout)


def write(folder: Path, text: str, name: str = "senim.yaml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def line_of(path: Path, startswith: str) -> int:
    """1-based line of the first line whose stripped text starts with `startswith` (read independently of Senim)."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip().startswith(startswith):
            return number
    raise AssertionError(f"{startswith!r} not in {path}")
