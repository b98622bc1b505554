"""The one CLI runner of the tests (tests/conftest.py): in this process it gives
what a new process gives, byte for byte, exit code included."""

from __future__ import annotations

import pytest

from tests.conftest import run_cli

IIN = "061211600012"  # valid: check digit worked by hand in tests/personal_data

CASES = {
    "json on stdout": (["classify", "examples/credit-scoring/senim.yaml", "--as-of", "2026-09-01", "--format", "json"],
                       None),
    "text in Kazakh": (["classify", "examples/credit-scoring/senim.yaml", "--as-of", "2026-09-01", "--lang", "kk"],
                       None),
    "standard input": (["scan", "-", "--format", "jsonl", "--workers", "1"], f"ИИН {IIN}\n".encode()),
    "bad input, exit 2": (["classify", "tests/core/invalid/01-bad-bin.yaml"], None),
    "a parameter named as its option": (["fairness", "examples/credit-scoring/decisions.parquet", "--target",
                                         "repaid", "--prediction", "approved", "--sensitive", ","], None),
    "bytes on stdout": (["assess", "examples/credit-scoring/senim.yaml", "--as-of", "2026-09-01", "--format",
                         "sarif"], None),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_in_process_is_as_a_new_process(name, tmp_path):
    args, given = CASES[name]
    env = {"SENIM_HOME": str(tmp_path / "home"), "COLUMNS": "100"}
    here = run_cli(*args, input=given, env=env, text=False)
    there = run_cli(*args, input=given, env=env, text=False, fresh=True)
    assert (here.returncode, here.stdout, here.stderr) == (there.returncode, there.stdout, there.stderr)
    assert here.stdout or here.stderr


def test_the_environment_and_folder_are_given_back(tmp_path, monkeypatch):
    import os

    monkeypatch.setenv("SENIM_DB", "kept.db")
    before = os.getcwd()
    done = run_cli("systems", "--format", "json", env={"SENIM_DB": str(tmp_path / "none.db"), "SENIM_HOME": None},
                   cwd=tmp_path)
    assert done.returncode == 2 and "none.db: no such registry database" in done.stderr
    assert os.environ["SENIM_DB"] == "kept.db" and os.getcwd() == before
