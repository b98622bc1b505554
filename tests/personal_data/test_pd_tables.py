"""CSV and Parquet: rows, columns, offsets in cells; redaction keeps the schema;
one person keeps one pseudonym across files."""

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
from pd_helpers import jsonl, senim

IIN = "061211600012"
BIN = "940140000385"


def _rows():
    return [
        {"id": 1, "client": "Иванов Пётр Сергеевич", "note": f"ИИН {IIN}, тел. 8 (701) 234-56-78", "amount": 10.5},
        {"id": 2, "client": "Aigerim Nurlanovna Sadykova", "note": "заказ №900101300019", "amount": 3.0},
        {"id": 3, "client": "ТОО Ромашка", "note": f"БИН {BIN}; IBAN KZ86125KZT5004100100", "amount": 7.25},
    ]


def test_csv_findings_have_row_column_and_cell_offsets(tmp_path):
    path = tmp_path / "clients.csv"
    pl.DataFrame(_rows()).write_csv(path)
    records = jsonl(senim("scan", str(path), "--format", "jsonl", "--show-values"))
    got = [(r["row"], r["column"], r["start"], r["end"], r["type"], r["value"]) for r in records]
    assert got == [
        (1, "client", 0, 21, "person_name", "Иванов Пётр Сергеевич"),
        (1, "note", 4, 16, "kz_iin", IIN),
        (1, "note", 23, 40, "phone", "8 (701) 234-56-78"),
        (2, "client", 0, 27, "person_name", "Aigerim Nurlanovna Sadykova"),
        (3, "note", 4, 16, "kz_bin", BIN),
        (3, "note", 23, 43, "iban", "KZ86125KZT5004100100"),
    ]
    assert all("line" not in r for r in records)


def test_parquet_row_groups_number_rows_across_groups(tmp_path):
    path = tmp_path / "clients.parquet"
    frame = pl.DataFrame(_rows() * 4)
    pq.write_table(frame.to_arrow(), path, row_group_size=5)
    assert pq.ParquetFile(path).metadata.num_row_groups == 3
    records = jsonl(senim("scan", str(path), "--format", "jsonl", "--types", "kz_iin"))
    assert [r["row"] for r in records] == [1, 4, 7, 10]


def test_summary_per_column_with_share_of_rows(tmp_path):
    path = tmp_path / "clients.csv"
    pl.DataFrame(_rows()).write_csv(path)
    import json

    report = json.loads(senim("scan", str(path), "--format", "json").stdout)["summary"]
    entry = report["files"][0]
    assert entry["rows"] == 3
    assert entry["columns"]["client"]["person_name"] == {"count": 2, "rows": 2, "share_of_rows": round(2 / 3, 6)}
    assert entry["columns"]["note"]["kz_iin"]["count"] == 1
    assert entry["distinct_people"] == 1


def test_redact_csv_masks_and_keeps_columns(tmp_path):
    source, target = tmp_path / "in.csv", tmp_path / "out" / "in.csv"
    pl.DataFrame(_rows()).write_csv(source)
    result = senim("redact", str(source), "-o", str(target))
    assert result.returncode == 0, result.stderr
    before, after = pl.read_csv(source), pl.read_csv(target)
    assert after.columns == before.columns and after.height == before.height
    assert after["note"][0] == "ИИН **********12, тел. * (***) ***-**-78"
    assert after["note"][1] == "заказ №900101300019"  # not an IIN: its check digit fails
    assert IIN not in target.read_text() and "Пётр" not in target.read_text()
    assert jsonl(senim("scan", str(target), "--format", "jsonl", "--types", "kz_iin,kz_bin,iban,phone")) == []


def test_pseudonyms_are_one_per_person_across_files_and_keep_parquet_schema(tmp_path):
    key = tmp_path / "key"
    key.write_text("a-secret-key-of-32-bytes-length!")
    text = tmp_path / "chat.txt"
    text.write_text(f"тел +7 701 234 56 78, ИИН {IIN}\n", encoding="utf-8")
    table = pa.table({"iin": pa.array([IIN, "000000000000"]), "phone": ["87012345678", "-"],
                      "n": pa.array([1, 2], pa.int32())})
    pq.write_table(table, tmp_path / "t.parquet")
    assert senim("redact", str(text), "-o", str(tmp_path / "o.txt"), "--mode", "pseudonym", "--key-file", str(key)).returncode == 0
    assert senim("redact", str(tmp_path / "t.parquet"), "-o", str(tmp_path / "o.parquet"), "--mode", "pseudonym",
                 env={"SENIM_PSEUDONYM_KEY": key.read_text()}).returncode == 0
    out_text = (tmp_path / "o.txt").read_text(encoding="utf-8")
    out_table = pq.read_table(tmp_path / "o.parquet")
    assert out_table.schema == table.schema
    iin_pseudonym = out_table.column("iin")[0].as_py()
    phone_pseudonym = out_table.column("phone")[0].as_py()
    assert iin_pseudonym.startswith("<kz_iin:") and iin_pseudonym in out_text
    assert phone_pseudonym.startswith("<phone:") and phone_pseudonym in out_text  # 8701... and +7 701 ... are one number
    other = tmp_path / "other_key"
    other.write_text("another-secret-key-32-bytes-long")
    senim("redact", str(text), "-o", str(tmp_path / "o2.txt"), "--mode", "pseudonym", "--key-file", str(other))
    assert iin_pseudonym not in (tmp_path / "o2.txt").read_text(encoding="utf-8")


def test_pseudonym_without_key_is_exit_2_and_writes_nothing(tmp_path):
    text = tmp_path / "chat.txt"
    text.write_text(f"ИИН {IIN}\n")
    result = senim("redact", str(text), "-o", str(tmp_path / "o.txt"), "--mode", "pseudonym",
                   env={"SENIM_PSEUDONYM_KEY": ""})
    assert result.returncode == 2 and "pseudonym key" in result.stderr.decode()
    assert not (tmp_path / "o.txt").exists()
