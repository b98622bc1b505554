"""Siblings of R12/R32/R33 found after them (issue 17, class 3): every input of
`explain` and `fairness` is read with a bound, and a FIFO is refused with one
sentence, exit 2, as the other readers of senim.reading do."""

from __future__ import annotations

import os

import pytest

from senim.errors import InputError
from tests.conftest import run_cli


def _refused(result, path, what: str = "is a FIFO (named pipe), not a regular file") -> str:
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"senim: {path}") and what in lines[0], lines
    return lines[0]


def test_explain_rows_from_a_fifo_is_refused_at_once(tmp_path):
    fifo = tmp_path / "ids.txt"
    os.mkfifo(fifo)
    result = run_cli("explain", tmp_path / "model.skops", tmp_path / "data.csv", "--rows", fifo, timeout=60)
    _refused(result, fifo)


def test_explain_rows_file_is_read_with_a_bound(tmp_path, monkeypatch):
    from senim.cli.explain import _read_ids
    from senim.reading import LIMITS

    monkeypatch.setitem(LIMITS, "row_ids", 1024)
    path = tmp_path / "ids.txt"
    path.write_text("id-1\n" * 1000)
    with pytest.raises(InputError, match="at most 1 KB"):
        _read_ids(path)


def test_a_skops_model_that_is_a_fifo_is_named_as_such(tmp_path):
    from senim.checks.explain.model import load_model

    fifo = tmp_path / "model.skops"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="FIFO") as error:
        load_model(fifo)
    assert str(error.value).startswith(str(fifo))
    with pytest.raises(InputError, match="no such file"):
        load_model(tmp_path / "missing.skops")


def test_fairness_data_that_is_a_fifo_is_named_as_such(tmp_path):
    fifo = tmp_path / "decisions.parquet"
    os.mkfifo(fifo)
    result = run_cli("fairness", fifo, "--target", "y", "--prediction", "p", "--sensitive", "s", timeout=60)
    _refused(result, fifo)


def test_the_label_table_is_read_with_a_bound(tmp_path):
    from senim.letters import load_labels

    path = tmp_path / "model.labels.yaml"
    path.write_bytes(b"features: {}\n" + b"# padding\n" * 200_000)  # 2 MB of valid YAML
    with pytest.raises(InputError, match="a label table is at most 1 MB"):
        load_labels(path)

