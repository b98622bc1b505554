"""The personal-data rows of the December red-team findings (issue 17), each
reproduced as the finding gives it (../shared/findings/redteam-2026-12.md)."""

from __future__ import annotations

import gzip
import json
import os
import resource
import shutil
import subprocess

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
from pd_helpers import SENIM, jsonl, senim

IIN = "061211600012"  # valid (law reference, worked example 1)
NAME, PHONE = "Aigerim Seitkali", "+77012345678"


def test_r1_parquet_struct_list_and_map_columns_are_scanned_and_redacted(tmp_path):
    table = pa.table({
        "n": [{"iin": IIN, "k": 1}, {"iin": "x", "k": 2}],
        "l": [["a", f"ИИН {IIN}"], []],
        "m": pa.array([[("tel", PHONE)], None], pa.map_(pa.string(), pa.string())),
        "id": [1, 2],
    })
    source = tmp_path / "n.parquet"
    pq.write_table(table, source)
    found = jsonl(senim("scan", str(source), "--format", "jsonl", "--show-values"))
    # a map's entries are named `key` and `value`, as the Arrow and Parquet
    # specs name a map's two fields: a key is data, never a column name
    assert [(r["row"], r["column"], r["type"], r["value"]) for r in found] == [
        (1, "n.iin", "kz_iin", IIN), (1, "l", "kz_iin", IIN), (1, "m.value", "phone", PHONE)]
    result = senim("redact", str(source), "-o", str(tmp_path / "r.parquet"))
    assert result.returncode == 0, result.stderr
    assert "3 replaced" in result.stderr.decode()
    out = pq.read_table(tmp_path / "r.parquet")
    assert out.schema == table.schema
    dumped = json.dumps(out.to_pylist(), ensure_ascii=False)
    assert IIN not in dumped and PHONE not in dumped
    assert out.column("n").to_pylist()[0]["iin"] == "**********12"


def test_r2_csv_rows_with_more_fields_than_the_header_are_refused_not_cut(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(f"a,b\n3,4,{NAME} {IIN} {PHONE}\n")
    for command in (["scan", str(path)], ["redact", str(path), "-o", str(tmp_path / "o.csv")]):
        result = senim(*command)
        message = result.stderr.decode()
        assert result.returncode == 2, command
        assert message.startswith(f"senim: {path}:2: this row has 3 fields, the header 2"), message
        assert IIN not in message and "Aigerim" not in message and "Traceback" not in message
    assert not (tmp_path / "o.csv").exists()


def test_r3_no_unmasked_values_in_parse_errors_summaries_or_evidence(tmp_path):
    broken = tmp_path / "l.csv"
    broken.write_text(f'n,i\n"x,{IIN} {NAME} {PHONE}\n')
    for command in (["scan", str(broken)], ["redact", str(broken), "-o", str(tmp_path / "o.csv")]):
        result = senim(*command)
        message = result.stderr.decode()
        assert result.returncode == 2 and message.startswith(f"senim: {broken}"), message
        assert IIN not in message and "Aigerim" not in message and "7012345678" not in message, message
    good = tmp_path / "g.txt"
    good.write_text(f"ИИН {IIN}, {NAME}, тел. {PHONE}, a.b@mail.kz\n", encoding="utf-8")
    evidence = tmp_path / "ev.json"
    summary = senim("scan", str(good), "--evidence", str(evidence))
    whole = senim("scan", str(good), "--format", "json")
    for text in (summary.stdout.decode(), evidence.read_text(encoding="utf-8"), whole.stdout.decode()):
        assert IIN not in text and "Aigerim" not in text and "7012345678" not in text and "a.b@" not in text


def _peak_child_rss(args: list[str], output) -> int:
    """Peak resident memory (bytes) of a fresh `senim` process writing to `output`."""
    code = ("import resource, subprocess, sys; subprocess.run(sys.argv[2:], stdout=open(sys.argv[1], 'wb'), check=True); "
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    out = subprocess.run(["python3", "-c", code, str(output), *args], capture_output=True, text=True, check=True).stdout
    return int(out) * 1024


def test_r12_csv_gz_is_streamed_in_bounded_memory(tmp_path):
    small, big = tmp_path / "small.csv.gz", tmp_path / "big.csv.gz"
    row = "привет подскажите статус заявки номер 12 и 13,ok,2024-01-01\n"
    with gzip.open(small, "wt", encoding="utf-8", compresslevel=1) as out:
        out.write("note,flag,day\n" + row * 10 + f"ИИН {IIN},x,y\n")
    with gzip.open(big, "wt", encoding="utf-8", compresslevel=1) as out:
        out.write("note,flag,day\n")
        block = row * 20_000
        for _ in range(120 * (1 << 20) // len(block.encode())):  # about 120 MB decompressed
            out.write(block)
        out.write(f"ИИН {IIN},x,y\n")
    assert big.stat().st_size < 8 << 20
    out = tmp_path / "out.jsonl"
    base = _peak_child_rss([SENIM, "scan", str(small), "--workers", "1", "--format", "jsonl"], out)
    peak = _peak_child_rss([SENIM, "scan", str(big), "--workers", "1", "--format", "jsonl"], out)
    assert peak - base < 80 << 20, (base, peak)  # the whole file decompressed would be 120 MB more
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(r["row"], r["column"], r["type"]) for r in records] == [(1_320_001, "note", "kz_iin")]


def test_r13_parquet_duration_and_other_types_that_cannot_hold_text(tmp_path):
    import datetime
    import decimal

    table = pa.table({
        "d": pa.array([1, 2], pa.duration("s")),
        "day": pa.array([datetime.date(2024, 1, 1), None]),
        "t": pa.array([datetime.time(10, 0), None]),
        "ts": pa.array([datetime.datetime(2024, 1, 1, 10), None], pa.timestamp("ms", tz="Asia/Almaty")),
        "ok": [True, False],
        "raw": pa.array([b"\x00\x01", None], pa.binary()),
        "amount": pa.array([decimal.Decimal("12.50"), None], pa.decimal128(10, 2)),
        "num": pa.array([850315400124, 5], pa.int64()),  # an IIN kept as a number (R4's)
        "note": [f"ИИН {IIN}", None],
    })
    source = tmp_path / "d.parquet"
    pq.write_table(table, source)
    result = senim("scan", str(source), "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    assert [(r["column"], r["type"]) for r in jsonl(result)] == [("num", "kz_iin"), ("note", "kz_iin")]
    redacted = senim("redact", str(source), "-o", str(tmp_path / "r.parquet"))
    assert redacted.returncode == 0, redacted.stderr
    out = pq.read_table(tmp_path / "r.parquet")
    assert out.schema == table.schema and out.column("num").to_pylist() == [None, 5]
    assert out.column("d").to_pylist() == table.column("d").to_pylist()


def test_r33_a_fifo_inside_a_scanned_folder_is_passed_over_never_waited_for(tmp_path):
    folder = tmp_path / "d"
    folder.mkdir()
    os.mkfifo(folder / "p")
    (folder / "a.txt").write_text(f"ИИН {IIN}\n", encoding="utf-8")
    result = subprocess.run([SENIM, "scan", str(folder), "--format", "jsonl"], capture_output=True, timeout=30)
    assert result.returncode == 0
    assert f"{folder / 'p'}: not a regular file" in result.stderr.decode()
    assert [r["type"] for r in jsonl(result)] == ["kz_iin"]
    named = subprocess.run([SENIM, "scan", str(folder / "p")], capture_output=True, timeout=30)
    assert named.returncode == 2 and "not a regular file" in named.stderr.decode()
    out = subprocess.run([SENIM, "redact", str(folder), "-o", str(tmp_path / "o")], capture_output=True, timeout=30)
    assert out.returncode == 0 and (tmp_path / "o" / "a.txt").exists() and not (tmp_path / "o" / "p").exists()


def test_r36_dictionary_encoded_parquet_keeps_its_masks(tmp_path):
    table = pa.table({"dict": pa.array([f"ИИН {IIN}", "ничего", f"ИИН {IIN}"]).dictionary_encode()})
    pq.write_table(table, tmp_path / "pq_dict.parquet")
    result = senim("redact", str(tmp_path / "pq_dict.parquet"), "-o", str(tmp_path / "r.parquet"))
    assert result.returncode == 0, result.stderr
    out = pq.read_table(tmp_path / "r.parquet")
    assert out.schema == pq.read_table(tmp_path / "pq_dict.parquet").schema
    assert out.column("dict").to_pylist() == ["ИИН **********12", "ничего", "ИИН **********12"]


def test_r37_redact_folder_refuses_to_overwrite_without_force(tmp_path):
    source, target = tmp_path / "rin", tmp_path / "out"
    source.mkdir()
    target.mkdir()
    (source / "a.txt").write_text(f"ИИН {IIN}\n", encoding="utf-8")
    (source / "b.txt").write_text("ничего\n", encoding="utf-8")
    (target / "b.txt").write_text("keep me\n")
    refused = senim("redact", str(source), "-o", str(target))
    assert refused.returncode == 2
    assert f"{target / 'b.txt'}: already exists" in refused.stderr.decode() and "--force" in refused.stderr.decode()
    assert (target / "b.txt").read_text() == "keep me\n" and not (target / "a.txt").exists()
    forced = senim("redact", str(source), "-o", str(target), "--force")
    assert forced.returncode == 0 and (target / "b.txt").read_text() == "ничего\n"


def test_r39_hyperscan_cache_is_checked_by_content_not_name(tmp_path):
    home = tmp_path / "home"
    path = tmp_path / "pii.txt"
    path.write_text(f"ИИН {IIN}, тел. {PHONE}, a.b@mail.kz, {NAME}\n", encoding="utf-8")
    env = {"SENIM_HOME": str(home)}
    before = jsonl(senim("scan", str(path), "--format", "jsonl", env=env))
    cached = sorted((home / "cache").glob("hyperscan-*.db"))
    assert len(cached) >= 3
    smallest = min(cached, key=lambda p: p.stat().st_size)
    for other in cached:
        if other != smallest:
            shutil.copyfile(smallest, other)
    after = jsonl(senim("scan", str(path), "--format", "jsonl", env=env))
    assert after == before and len(before) == 4
