"""Shared test helpers: run the `senim` command as a user would.

`run_cli` is the one way to run the CLI in tests: in this process by default
(through the real entry point, `senim.cli.main`, with its own argv, stdin,
stdout, stderr, environment and working folder, so a test costs no
interpreter start), or in a new process with ``fresh=True`` where that is
what is tested (start-up, what must hold across processes, signals, a
Dask cluster's workers). `run_senim` is the same in a new process, kept for
the tests written with it.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SENIM = Path(sys.executable).parent / "senim"


def run_senim(*args: str, input: bytes | None = None, env: dict | None = None, cwd: Path | None = None,
              timeout: float = 120) -> subprocess.CompletedProcess:
    """Run `senim ARGS...` in a child process; stdout and stderr as bytes."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([str(SENIM), *map(str, args)], input=input, capture_output=True,
                          env=full_env, cwd=cwd or ROOT, timeout=timeout)


def run_cli(*args, input: bytes | str | None = None, env: dict | None = None, cwd: Path | None = None,
            fresh: bool = False, text: bool = True, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run `senim ARGS...`; stdout and stderr as text (bytes with text=False).

    `env` adds to (a value None removes from) the environment for the run;
    `cwd` defaults to the repository, as for a user in a checkout.
    """
    args = [str(a) for a in args]
    where = Path(cwd or ROOT)
    if isinstance(input, str):
        input = input.encode("utf-8")
    if fresh:
        full_env = {k: v for k, v in {**os.environ, **(env or {})}.items() if v is not None}
        return subprocess.run([str(SENIM), *args], input=input, capture_output=True, text=text, env=full_env,
                              cwd=where, timeout=timeout)
    return _in_process(args, input, env or {}, where, text)


def _stream(data: bytes = b"") -> io.TextIOWrapper:
    """A text stream over bytes, with `.buffer`, as sys.stdout is (the CLI writes bytes there)."""
    return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", errors="surrogateescape", write_through=True)


def _in_process(args: list[str], input: bytes | None, env: dict, cwd: Path, text: bool):
    from senim.cli import main

    stdin, stdout, stderr = _stream(input or b""), _stream(), _stream()
    saved = sys.stdin, sys.stdout, sys.stderr, sys.argv, os.getcwd()
    saved_env = {key: os.environ.get(key) for key in env}
    code = 0
    try:
        for key, value in env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = str(value)
        os.chdir(cwd)
        sys.stdin, sys.stdout, sys.stderr, sys.argv = stdin, stdout, stderr, ["senim", *args]
        try:
            main()
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    finally:
        sys.stdout.flush()
        sys.stdin, sys.stdout, sys.stderr, sys.argv, here = saved
        os.chdir(here)
        for key, value in saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    out, err = stdout.buffer.getvalue(), stderr.buffer.getvalue()
    if text:
        out, err = out.decode("utf-8", "replace"), err.decode("utf-8", "replace")
    return subprocess.CompletedProcess(["senim", *args], code, out, err)


def pytest_configure(config):
    """Under pytest-xdist (`make test` runs two workers), each worker gets its own temporary
    folder (TMPDIR, for this process and the `senim` processes it starts) and, unless one is
    set, its own SENIM_HOME: a test that looks for leftovers in the temporary folder, or a key
    made in the default home, then sees only its own worker's (tmp_path is per worker already)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return
    folder = tempfile.mkdtemp(prefix=f"senim-tests-{worker}-")
    config._senim_worker_tmp = folder
    os.environ["TMPDIR"] = folder
    tempfile.tempdir = None  # gettempdir() reads TMPDIR again
    os.environ.setdefault("SENIM_HOME", os.path.join(folder, "senim-home"))


# The longest test files (by `--durations`, 2 Dec 2026), sent to the workers first: a worker that
# took one of them last would run it alone while the other waits. Collected first only under
# xdist; the order within each file is kept.
LONGEST_FIRST = ("tests/web/test_browser.py", "tests/ledger/test_ledger_concurrency.py",
                 "tests/explain/test_explain_contributions.py", "tests/registry/test_redteam_database.py",
                 "tests/web/test_cli_web.py", "tests/assessment/test_verdict_honesty.py",
                 "tests/i18n/test_every_command_in_kk_and_ru.py")


def pytest_collection_modifyitems(session, config, items):
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return
    rank = {name: place for place, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(Path(item.path).relative_to(ROOT).as_posix(), len(rank)))


def pytest_unconfigure(config):
    folder = getattr(config, "_senim_worker_tmp", None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def senim():
    return run_senim


@pytest.fixture
def cli():
    """`cli("classify", path, "--format", "json")`: the CLI in this process (see run_cli)."""
    return run_cli
