"""Evidence: what a check ran on, with what, and what it found.

Every check can write its result as evidence so that an auditor can rerun it
and get the same numbers: content hashes of the inputs, the versions of Senim
and of the libraries that did the work, the parameters and thresholds.
"""

from __future__ import annotations

import hashlib
import io
import json
import platform
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any, Iterable

from senim import __version__
from senim.paths import write_atomic

CHUNK = 1 << 20


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file, or of every file below a folder in name order.

    Only regular files are read (a FIFO or a device would block or never
    end), streamed in chunks; below a folder, a link that leads out of it is
    refused, so that hashing a folder never reads a file elsewhere."""
    import os

    from senim.errors import InputError
    from senim.reading import open_regular

    path = Path(path)
    digest = hashlib.sha256()
    if path.is_dir():
        root = Path(os.path.realpath(path))
        files = []
        for member in sorted(p for p in path.rglob("*") if p.is_file()):
            real = Path(os.path.realpath(member))
            if root not in real.parents:
                raise InputError(f"{member}: is a link to {real}, out of the folder {path}; "
                                 "Senim hashes only the folder's own files")
            files.append(member)
    else:
        files = [path]
    for file in files:
        if path.is_dir():
            digest.update(str(file.relative_to(path)).encode() + b"\0")
        with os.fdopen(open_regular(file), "rb") as handle:
            while chunk := handle.read(CHUNK):
                digest.update(chunk)
    return digest.hexdigest()


def library_versions(names: Iterable[str]) -> dict[str, str]:
    versions = {"senim": __version__, "python": platform.python_version()}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def table_input(table: Any, columns: Iterable[str]) -> dict[str, Any]:
    """The evidence input of a table given in memory (Polars, pandas, PyArrow):
    the SHA-256 of the Arrow IPC stream of the columns a check read, in one
    chunk and uncompressed, so that the same table gives the same digest."""
    from senim.checks.fairness.source import lazy_frame, table_kind

    frame = lazy_frame(table, table_kind(table)).collect()
    wanted = [c for c in dict.fromkeys(columns) if c in frame.columns]
    buffer = io.BytesIO()
    frame.select(wanted).rechunk().write_ipc_stream(buffer, compression="uncompressed")
    return {"path": None, "table": {"rows": frame.height, "columns": wanted},
            "sha256": hashlib.sha256(buffer.getvalue()).hexdigest()}


def _input(value: str | Path | dict[str, Any]) -> dict[str, Any]:
    if isinstance(value, dict):  # made already (a table in memory)
        return value
    return {"path": str(value), "sha256": file_sha256(value)}


def make_evidence(
    check: str,
    *,
    inputs: dict[str, str | Path | dict[str, Any]],
    parameters: dict[str, Any],
    result: dict[str, Any],
    libraries: Iterable[str] = (),
    verdict: str | None = None,
) -> dict[str, Any]:
    """The evidence record of one run of one check: the one shape every check's
    evidence has (written by ``--evidence``, read back by ``senim assess``)."""
    return {
        "evidence_format": "1.0",
        "check": check,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "inputs": {role: _input(p) for role, p in inputs.items()},
        "parameters": parameters,
        "versions": library_versions(libraries),
        "verdict": verdict,
        "result": result,
    }


def write_evidence(path: str | Path, evidence: dict[str, Any]) -> None:
    text = json.dumps(evidence, ensure_ascii=False, indent=2, sort_keys=True, default=str)
    write_atomic(Path(path), text.encode("utf-8") + b"\n")
