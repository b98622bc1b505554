"""Evidence paths are confined and bounded (issue 17, rows R15 and R43's `/etc/shadow`):
a manifest is someone else's file, and what its evidence names is hashed into a report."""

from __future__ import annotations

import json
import os

import pytest
import yaml

from tests.conftest import run_cli

BASE = {"format": "1.0", "id": "m-1", "name": "M", "owner": {"name": "O"}, "markets": ["KZ"],
        "uses": ["other.x"], "failure_impact": [], "human_oversight": "decides"}
STATEMENT = {"answer": "yes", "by": "Risk officer", "on": "2026-10-01"}


def _manifest(folder, evidence) -> str:
    folder.mkdir(exist_ok=True)
    (folder / "senim.yaml").write_text(yaml.safe_dump({**BASE, "evidence": evidence}, sort_keys=False))
    return str(folder / "senim.yaml")


def _refused(result, *words):
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    line = result.stderr.strip()
    assert len(line.splitlines()) == 1, line
    for word in words:
        assert word in line, line
    return line


def test_R43_a_document_outside_the_manifests_folder_is_refused(tmp_path):
    secret = tmp_path / "elsewhere" / "shadow"
    secret.parent.mkdir()
    secret.write_text("root:$6$salt$hash:19000:0:99999:7:::\n")
    path = _manifest(tmp_path / "m", {"kz.owner.risk_management": {"document": str(secret), **STATEMENT}})
    line = _refused(run_cli("assess", path, "--no-db", "--format", "json"),
                    f"{path}:", "evidence.kz.owner.risk_management.document", "outside the manifest's folder",
                    "--evidence-root")
    # the same with a relative path that climbs out
    path = _manifest(tmp_path / "m", {"kz.owner.risk_management": {"document": "../elsewhere/shadow", **STATEMENT}})
    _refused(run_cli("assess", path, "--no-db"), "outside the manifest's folder")
    # a folder the caller names is allowed, and its file is hashed (SHA-256 by hashlib's own reading)
    result = run_cli("assess", path, "--no-db", "--format", "json", "--evidence-root", secret.parent)
    assert result.returncode in (0, 1), result.stderr
    import hashlib

    assert hashlib.sha256(secret.read_bytes()).hexdigest() in result.stdout
    assert line


def test_R43_etc_shadow_is_never_hashed_into_a_report(tmp_path):
    path = _manifest(tmp_path / "m", {"kz.owner.risk_management": {"document": "/etc/shadow", **STATEMENT}})
    _refused(run_cli("assess", path, "--no-db", "--report", tmp_path / "out"), "outside the manifest's folder")
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_R15_a_link_out_of_the_folder_is_refused(tmp_path):
    (tmp_path / "m").mkdir()
    os.symlink("/etc/passwd", tmp_path / "m" / "plan.pdf")
    path = _manifest(tmp_path / "m", {"kz.owner.risk_management": {"document": "plan.pdf", **STATEMENT}})
    _refused(run_cli("assess", path, "--no-db"), "plan.pdf", "outside the manifest's folder")


@pytest.mark.parametrize("shape", ["document", "file"])
def test_R15_a_device_is_refused_even_when_allowed(tmp_path, shape):
    # `document: /dev/zero` hung assess; `file: /dev/zero` exhausted memory
    entry = {"document": "/dev/zero", **STATEMENT} if shape == "document" else {"file": "/dev/zero"}
    path = _manifest(tmp_path / "m", {"kz.owner.risk_management": entry})
    _refused(run_cli("assess", path, "--no-db"), "outside the manifest's folder")
    _refused(run_cli("assess", path, "--no-db", "--evidence-root", "/dev"), "/dev/zero: is a device")


def test_R33_a_fifo_in_the_manifests_folder_is_refused(tmp_path):
    (tmp_path / "m").mkdir()
    os.mkfifo(tmp_path / "m" / "plan.pdf")
    path = _manifest(tmp_path / "m", {"kz.owner.risk_management": {"document": "plan.pdf", **STATEMENT}})
    _refused(run_cli("assess", path, "--no-db"), "plan.pdf: is a FIFO")


def test_R15_a_folder_of_data_with_a_link_out_is_refused_when_hashed(tmp_path):
    from senim.errors import InputError
    from senim.evidence import file_sha256

    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "part-0.parquet").write_bytes(b"PAR1")
    os.symlink("/etc/passwd", tmp_path / "data" / "part-1.parquet")
    with pytest.raises(InputError, match="out of the folder"):
        file_sha256(tmp_path / "data")


def test_R15_an_evidence_file_naming_inputs_elsewhere_does_not_have_them_read(tmp_path):
    # the inputs an earlier evidence file lists are compared by hash: never outside, never a device
    folder = tmp_path / "m"
    folder.mkdir()
    evidence = {"check": "scan", "result": {"findings": 0}, "verdict": "pass",
                "inputs": {"data": {"path": "/dev/zero", "sha256": "0" * 64},
                           "other": {"path": 5}, "more": "not a mapping"}}
    (folder / "scan.json").write_text(json.dumps(evidence))
    path = _manifest(folder, {"kz.owner.risk_management": {"file": "scan.json"}})
    result = run_cli("assess", path, "--no-db", "--format", "json")
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr


def test_R15_a_huge_evidence_file_is_refused_by_its_bound(tmp_path):
    folder = tmp_path / "m"
    folder.mkdir()
    with open(folder / "big.json", "wb") as out:
        out.truncate(65 * 1024 * 1024)  # sparse: 65 MiB of zeros, past the 64 MiB bound, on no disk
    path = _manifest(folder, {"kz.owner.risk_management": {"file": "big.json"}})
    _refused(run_cli("assess", path, "--no-db"), "big.json", "at most 64 MB")
