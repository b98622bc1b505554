"""Bad input: one sentence on stderr, exit code 2, no traceback, run as a user runs it."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from tests.fairness.fairness_data import DATASETS, run_senim


def _log(tmp_path, frame: pl.DataFrame, name: str = "log.parquet"):
    path = tmp_path / name
    if name.endswith(".csv"):
        frame.write_csv(path)
    else:
        frame.write_parquet(path)
    return path


def _fails_cleanly(result, *words: str) -> str:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("senim: "), result.stderr
    for word in words:
        assert word in lines[0], lines[0]
    assert result.stdout == ""
    return lines[0]


def _cases(tmp_path):
    good = DATASETS["two_groups"]()
    n = good.height
    truncated = _log(tmp_path, good, "whole.parquet").read_bytes()
    (tmp_path / "truncated.parquet").write_bytes(truncated[: len(truncated) // 2])
    (tmp_path / "empty.csv").write_bytes(b"")
    (tmp_path / "header.csv").write_text("y,pred,sex\n")
    many = pl.DataFrame({"y": np.arange(100_000) % 2, "pred": np.arange(100_000) % 3 % 2,
                         "customer": [f"C{i}" for i in range(100_000)]})
    return {
        "missing_column": (_log(tmp_path, good), ["--sensitive", "gender"], ["gender", "no column"]),
        "target_not_binary": (_log(tmp_path, good.with_columns(y=pl.col("y") * 2), "two.parquet"), [], ["'y'", "not binary"]),
        "target_text": (_log(tmp_path, good.with_columns(y=pl.lit("yes")), "text.parquet"), [], ["'y'", "String"]),
        "target_nulls": (_log(tmp_path, good.with_columns(y=pl.when(pl.int_range(n) < 5).then(None).otherwise(pl.col("y"))), "nulls.parquet"), [], ["'y'", "5 empty"]),
        "sensitive_nulls": (_log(tmp_path, good.with_columns(sex=pl.when(pl.int_range(n) < 7).then(None).otherwise(pl.col("sex"))), "snulls.csv"), [], ["'sex'", "7 empty"]),
        "many_groups": (_log(tmp_path, many, "many.parquet"), ["--sensitive", "customer"], ["100000 groups", "customer"]),
        "empty_file": (tmp_path / "empty.csv", [], ["empty"]),
        "header_only": (tmp_path / "header.csv", [], ["no rows"]),
        "empty_parquet": (_log(tmp_path, good.head(0), "norows.parquet"), [], ["no rows"]),
        "truncated_parquet": (tmp_path / "truncated.parquet", [], ["truncated.parquet", "cannot be read"]),
        "no_such_file": (tmp_path / "nothing.parquet", [], ["no such file"]),
    }


CASES = ["missing_column", "target_not_binary", "target_text", "target_nulls", "sensitive_nulls", "many_groups",
         "empty_file", "header_only", "empty_parquet", "truncated_parquet", "no_such_file"]


@pytest.mark.parametrize("case", CASES)
def test_bad_input_is_one_sentence_and_exit_2(tmp_path, case):
    path, extra, words = _cases(tmp_path)[case]
    args = ["fairness", path, "--target", "y", "--prediction", "pred", "--sensitive", "sex", *extra]
    if "--sensitive" in extra:
        args = ["fairness", path, "--target", "y", "--prediction", "pred", *extra]
    message = _fails_cleanly(run_senim(*args), *words)
    assert str(path.name) in message or case == "missing_column" and "log.parquet" in message
