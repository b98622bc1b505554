"""Bad and odd inputs: binary, undecodable bytes, a 10 MB line, empty files,
missing paths, standard input, gzip, folders with globs."""

import gzip

from pd_helpers import jsonl, senim

IIN = "061211600012"  # valid (law reference, worked example 1)


def test_missing_path_is_exit_2_with_one_sentence(tmp_path):
    result = senim("scan", str(tmp_path / "nope.txt"))
    assert result.returncode == 2
    assert result.stderr.decode() == f"senim: {tmp_path / 'nope.txt'}: no such file or folder\n"
    assert result.stdout == b""


def test_binary_file_is_skipped_with_a_note(tmp_path):
    (tmp_path / "model.bin").write_bytes(b"\x00\x01\x02" + IIN.encode() + b"\x00" * 100)
    (tmp_path / "notes.txt").write_text(f"ИИН {IIN}\n", encoding="utf-8")
    result = senim("scan", str(tmp_path), "--format", "jsonl")
    assert result.returncode == 0
    assert "model.bin: binary file, skipped" in result.stderr.decode()
    records = jsonl(result)
    assert [(r["path"].rsplit("/", 1)[-1], r["line"], r["start"]) for r in records] == [("notes.txt", 1, 4)]


def test_undecodable_bytes_do_not_move_the_offsets_after_them(tmp_path):
    path = tmp_path / "mixed.txt"
    # two bad bytes count as two replacement characters; Cyrillic letters as one each
    path.write_bytes(b"\xff\xfe \xd0\x98\xd0\x98\xd0\x9d " + IIN.encode() + b"\n\xc3\x28 tel +7 701 234 56 78\n")
    records = jsonl(senim("scan", str(path), "--format", "jsonl", "--show-values"))
    assert [(r["line"], r["start"], r["end"], r["type"]) for r in records] == [
        (1, 7, 19, "kz_iin"), (2, 7, 23, "phone")]


def test_a_10_mb_line_and_what_follows_it(tmp_path):
    path = tmp_path / "long.txt"
    long_line = ("абв " * 2_600_000)  # 2.6 M code points, 10.4 MB
    path.write_text(long_line + IIN + " end\nИИН " + IIN + "\n", encoding="utf-8")
    records = jsonl(senim("scan", str(path), "--format", "jsonl", "--types", "kz_iin"))
    assert [(r["line"], r["start"], r["end"]) for r in records] == [
        (1, len(long_line), len(long_line) + 12), (2, 4, 16)]


def test_empty_file_and_empty_stdin(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    result = senim("scan", str(tmp_path / "empty.txt"), "--format", "json")
    assert result.returncode == 0
    import json

    document = json.loads(result.stdout)
    assert document["findings"] == [] and document["summary"]["files"][0]["rows"] == 0
    assert senim("scan", "-", "--format", "jsonl", stdin=b"").stdout == b""


def test_standard_input_and_gzip(tmp_path):
    text = f"салем\nменің ЖСН {IIN}\n".encode()
    records = jsonl(senim("scan", "-", "--format", "jsonl", stdin=text))
    assert [(r["path"], r["line"], r["start"]) for r in records] == [("-", 2, 10)]
    with gzip.open(tmp_path / "log.txt.gz", "wb") as handle:
        handle.write(text * 3)
    records = jsonl(senim("scan", str(tmp_path / "log.txt.gz"), "--format", "jsonl"))
    assert [(r["line"], r["start"]) for r in records] == [(2, 10), (4, 10), (6, 10)]


def test_include_and_exclude_globs(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "keep.log").write_text(f"IIN {IIN}\n")
    (tmp_path / "a" / "skip.txt").write_text(f"IIN {IIN}\n")
    (tmp_path / "a" / "drop.log").write_text(f"IIN {IIN}\n")
    records = jsonl(senim("scan", str(tmp_path), "--format", "jsonl", "--include", "*.log", "--exclude", "drop*"))
    assert [r["path"].rsplit("/", 1)[-1] for r in records] == ["keep.log"]


def test_bad_options_are_exit_2(tmp_path):
    (tmp_path / "x.txt").write_text("x\n")
    result = senim("scan", str(tmp_path / "x.txt"), "--types", "kz_iin,shoe_size")
    assert result.returncode == 2 and "unknown type 'shoe_size'" in result.stderr.decode()
    assert senim("scan", str(tmp_path / "x.txt"), "--format", "xml").returncode == 2


def test_broken_parquet_is_exit_2(tmp_path):
    (tmp_path / "t.parquet").write_bytes(b"PAR1" + b"garbage" * 10)
    result = senim("scan", str(tmp_path / "t.parquet"))
    assert result.returncode == 2
    assert "not a readable Parquet file" in result.stderr.decode()
    assert "Traceback" not in result.stderr.decode()


def test_fail_on_says_how_many_findings_of_which_types(tmp_path):
    # the name holds the text of a JSON type field: quoted in each line, it must not be counted
    path = tmp_path / 'chat "type": "kz_iin".txt'
    path.write_text(
        f"ИИН {IIN}, почта a.b@mail.kz\nповтор {IIN}, email x@example.com\nничего\n", encoding="utf-8")
    # the types in words, as the summary names them (catalog scan.type.*), in the order asked for
    english = ("Found personal data of the types named in --fail-on (4 in all): "
               "e-mail addresses: 2, IINs (individual identification numbers): 2.\n")
    for extra in (["--format", "summary"], ["--format", "json"], ["--format", "jsonl"],
                  ["--format", "jsonl", "--workers", "2"]):
        result = senim("scan", str(path), "--fail-on", "email,kz_iin,iban", *extra)
        assert (result.returncode, result.stderr.decode()) == (1, english), extra
    lines = jsonl(senim("scan", str(path), "--format", "jsonl"))
    assert sorted(r["type"] for r in lines) == ["email", "email", "kz_iin", "kz_iin"]
    russian = senim("scan", str(path), "--fail-on", "kz_iin", "--lang", "ru")
    assert russian.stderr.decode() == ("Найдены персональные данные типов из --fail-on (всего 2): "
                                       "ИИН (индивидуальные идентификационные номера): 2.\n")
    kazakh = senim("scan", str(path), "--fail-on", "all", "--format", "jsonl", "--lang", "kk")
    assert kazakh.stderr.decode() == ("--fail-on тізіміндегі түрлердің дербес деректері табылды (барлығы 4): "
                                      "ЖСН (жеке сәйкестендіру нөмірлері): 2, электрондық пошта мекенжайлары: 2.\n")
    passing = senim("scan", str(path), "--fail-on", "iban,payment_card")
    assert (passing.returncode, passing.stderr) == (0, b"")


def test_unknown_language_is_exit_2_with_one_sentence(tmp_path):
    (tmp_path / "x.txt").write_text(f"ИИН {IIN}\n", encoding="utf-8")
    out = tmp_path / "redacted.txt"
    for args in (["scan", str(tmp_path / "x.txt")], ["redact", str(tmp_path / "x.txt"), "-o", str(out)]):
        result = senim(*args, "--lang", "fr")
        stderr = result.stderr.decode()
        assert result.returncode == 2, args
        assert "Invalid value for '--lang': 'fr' is not one of 'kk', 'ru', 'en'." in stderr
        assert "Traceback" not in stderr and result.stdout == b""
    assert not out.exists()
