"""Siblings of R12 (issue 17): every compressed format Senim reads is read
as a stream and redacted into the same format; a damaged or cut one is one
sentence, exit 2, and nothing is written."""

from __future__ import annotations

import bz2
import gzip
import lzma

import pyarrow as pa
import pytest
from pd_helpers import jsonl, senim

IIN = "061211600012"  # valid (law reference, worked example 1)
TEXT = f"привет\nИИН {IIN}\nok\n".encode()
CSV = f"a,b\nИИН {IIN},x\n1,2\n".encode()


def _zstd(data: bytes) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.CompressedOutputStream(sink, "zstd") as out:
        out.write(data)
    return sink.getvalue().to_pybytes()


def _unzstd(data: bytes) -> bytes:
    return pa.CompressedInputStream(pa.BufferReader(data), "zstd").read()


CODECS = {".gz": (gzip.compress, gzip.decompress), ".bz2": (bz2.compress, bz2.decompress),
          ".xz": (lzma.compress, lzma.decompress), ".zst": (_zstd, _unzstd)}


def test_r12_compressed_text_and_csv_are_scanned_and_redacted_in_their_format(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for suffix, (pack, _) in CODECS.items():
        (folder / f"t{suffix[1:]}.log{suffix}").write_bytes(pack(TEXT))
        (folder / f"c{suffix[1:]}.csv{suffix}").write_bytes(pack(CSV))
    result = senim("scan", str(folder), "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    found = {(r["path"].rsplit("/", 1)[1], r.get("line"), r.get("row"), r.get("column"), r["type"]) for r in jsonl(result)}
    assert found == {(f"t{s[1:]}.log{s}", 2, None, None, "kz_iin") for s in CODECS} | {
        (f"c{s[1:]}.csv{s}", None, 1, "a", "kz_iin") for s in CODECS}
    redacted = senim("redact", str(folder), "-o", str(tmp_path / "out"))
    assert redacted.returncode == 0 and redacted.stderr.decode().count("1 replaced") == 8, redacted.stderr
    for suffix, (_, unpack) in CODECS.items():
        for name, body in ((f"t{suffix[1:]}.log{suffix}", TEXT), (f"c{suffix[1:]}.csv{suffix}", CSV)):
            assert unpack((tmp_path / "out" / name).read_bytes()) == body.replace(IIN.encode(), b"**********12")


@pytest.mark.parametrize("suffix", list(CODECS))
def test_r12_a_cut_compressed_file_is_one_sentence_and_nothing_is_written(tmp_path, suffix):
    from senim.checks.personal_data.redact import redact_file
    from senim.checks.personal_data.scanner import scan
    from senim.errors import InputError

    pack, _ = CODECS[suffix]
    for name, body in ((f"t.txt{suffix}", TEXT * 2000), (f"c.csv{suffix}", CSV + b"3,4\n" * 20000)):
        path = tmp_path / name
        path.write_bytes(pack(body)[:-40])
        for run in (lambda: list(scan([str(path)], workers=1)), lambda: redact_file(str(path), str(tmp_path / "o" / name))):
            with pytest.raises(InputError) as caught:
                run()
            message = str(caught.value)
            assert message.startswith(f"{path}: not a readable") and IIN not in message and "\n" not in message
        assert not (tmp_path / "o" / name).exists()
    # the door: one sentence, exit 2 (a cut gzip stream was "Aborted." from the CLI, exit 1)
    result = senim("redact", str(tmp_path / f"t.txt{suffix}"), "-o", str(tmp_path / "o" / "t"))
    assert result.returncode == 2 and result.stderr.decode().startswith("senim: ") and not (tmp_path / "o" / "t").exists()
