"""Siblings of the red-team rows R1, R2, R3 and R13 (issue 17): every Arrow
type a Parquet file or a caller's table holds is scanned and redacted, or
refused with a sentence; column names are data too."""

from __future__ import annotations

import decimal
import json

import pyarrow as pa
import pyarrow.parquet as pq
from pd_helpers import jsonl, senim

IIN = "061211600012"  # valid (law reference, worked example 1)
IIN2 = "850315400124"  # valid (the red-team's R4 value)
PHONE = "+77012345678"


def _scan(path, *extra):
    result = senim("scan", str(path), "--format", "jsonl", "--show-values", *extra)
    assert result.returncode == 0, result.stderr
    return [(r["row"], r["column"], r["type"], r["value"]) for r in jsonl(result)]


def test_r1_binary_columns_and_map_keys_are_scanned_and_redacted(tmp_path):
    table = pa.table({
        "b": pa.array([IIN.encode(), b"\xff\xfe"], pa.binary()),
        "lb": pa.array([f"ИИН {IIN}".encode(), None], pa.large_binary()),
        "fb": pa.array([IIN.encode(), b"000000000000"], pa.binary(12)),
        "sb": pa.array([{"raw": PHONE.encode()}, None], pa.struct([("raw", pa.binary())])),
        # the same key twice: a dict would keep only the last entry
        "m": pa.array([[("k", IIN), ("k", "x")], [(f"ИИН {IIN}", "v")]], pa.map_(pa.string(), pa.string())),
    })
    source = tmp_path / "b.parquet"
    pq.write_table(table, source)
    assert _scan(source) == [
        (1, "b", "kz_iin", IIN), (1, "lb", "kz_iin", IIN), (1, "fb", "kz_iin", IIN), (1, "sb.raw", "phone", PHONE),
        (1, "m.value", "kz_iin", IIN), (2, "m.key", "kz_iin", IIN)]
    result = senim("redact", str(source), "-o", str(tmp_path / "r.parquet"))
    assert result.returncode == 0 and "6 replaced" in result.stderr.decode(), result.stderr
    out = pq.read_table(tmp_path / "r.parquet")
    assert out.schema == table.schema
    assert out.column("b").to_pylist() == [b"**********12", b"\xff\xfe"]  # bytes around a finding are kept as they were
    assert out.column("fb").to_pylist() == [b"**********12", b"000000000000"]
    assert out.column("m").to_pylist() == [[("k", "**********12"), ("k", "x")], [("ИИН **********12", "v")]]
    assert _scan(tmp_path / "r.parquet") == []


def test_r13_types_polars_cannot_hold_are_read_not_a_panic(tmp_path):
    table = pa.table({
        "d256": pa.array([decimal.Decimal(IIN2), decimal.Decimal("7")], pa.decimal256(40, 0)),
        "u": pa.array([b"0123456789abcdef", None], pa.uuid()),
        "note": ["ok", f"ИИН {IIN}"],
    })
    source = tmp_path / "t.parquet"
    pq.write_table(table, source)
    result = senim("scan", str(source), "--format", "jsonl", "--show-values")
    assert result.returncode == 0 and b"panicked" not in result.stderr, result.stderr
    assert [(r["row"], r["column"], r["value"]) for r in jsonl(result)] == [(1, "d256", IIN2), (2, "note", IIN)]
    redacted = senim("redact", str(source), "-o", str(tmp_path / "r.parquet"))
    assert redacted.returncode == 0, redacted.stderr
    out = pq.read_table(tmp_path / "r.parquet")
    assert out.schema == table.schema
    assert out.column("d256").to_pylist() == [None, decimal.Decimal("7")]  # a mask is not a number


def test_r13_arrow_layouts_given_to_the_library(tmp_path):
    from senim.checks.personal_data import scan_text  # noqa: F401  (the package loads alone)
    from senim.checks.personal_data.api import scan

    table = pa.table({
        "ree": pa.RunEndEncodedArray.from_arrays(pa.array([2], pa.int32()), pa.array([f"ИИН {IIN}"])),
        "lv": pa.array([[PHONE], None], pa.list_view(pa.string())),
        "iv": pa.array([pa.MonthDayNano([1, 2, 3]), None], pa.month_day_nano_interval()),
    })
    found = [(f.row, f.column, f.type) for f in scan(table)]
    assert found == [(1, "ree", "kz_iin"), (1, "lv", "phone"), (2, "ree", "kz_iin")]


def test_r13_a_column_name_twice_is_one_sentence(tmp_path):
    parquet = tmp_path / "dup.parquet"
    pq.write_table(pa.Table.from_arrays([pa.array([IIN]), pa.array(["x"])], names=[IIN, IIN]), parquet)
    csv = tmp_path / "dup.csv"
    csv.write_text(f"a,a\n{IIN},x\n")
    for path in (parquet, csv):
        for command in (["scan", str(path)], ["redact", str(path), "-o", str(tmp_path / f"o{path.suffix}")]):
            result = senim(*command)
            message = result.stderr.decode()
            assert result.returncode == 2 and message.startswith(f"senim: {path}: the column name "), message
            assert "stands twice" in message and IIN not in message and "Traceback" not in message
    assert not (tmp_path / "o.csv").exists() and not (tmp_path / "o.parquet").exists()


def test_r2_column_names_are_scanned_as_row_0_and_shown_masked(tmp_path):
    headerless = tmp_path / "h.csv"
    headerless.write_text(f"{IIN},Aigerim Seitkali\n{IIN2},x\n", encoding="utf-8")
    assert _scan(headerless) == [(0, "**********12", "kz_iin", IIN), (0, "A*** S***", "person_name", "Aigerim Seitkali"),
                                 (1, "**********12", "kz_iin", IIN2)]
    alone = tmp_path / "a.csv"
    alone.write_text(f"ИИН {IIN},b\n", encoding="utf-8")
    assert _scan(alone) == [(0, "ИИН **********12", "kz_iin", IIN)]
    parquet = tmp_path / "n.parquet"
    pq.write_table(pa.table({IIN: ["x", "y"], "t": ["a", PHONE]}), parquet, row_group_size=1)
    assert _scan(parquet) == [(0, "**********12", "kz_iin", IIN), (2, "t", "phone", PHONE)]
    summary = senim("scan", str(headerless), "--format", "json")
    assert IIN not in summary.stdout.decode() and "Aigerim" not in summary.stdout.decode()
    assert senim("redact", str(headerless), "-o", str(tmp_path / "r.csv")).returncode == 0
    assert (tmp_path / "r.csv").read_text(encoding="utf-8") == "**********12,A*** S***\n**********24,x\n"
    assert senim("redact", str(parquet), "-o", str(tmp_path / "r.parquet")).returncode == 0
    out = pq.read_table(tmp_path / "r.parquet")
    assert out.column_names == ["**********12", "t"] and IIN not in json.dumps(out.schema.metadata and {
        k.decode(): v.decode() for k, v in out.schema.metadata.items()})
