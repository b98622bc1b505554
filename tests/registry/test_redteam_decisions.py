"""Rows R4, R5, R20 and R21 of the red-team findings (../shared/findings/redteam-2026-12.md):
the decision guard and the dates and depths a record may have.

IINs used here, check digits worked by hand (Government Decree No. 406 of
22 May 2007, as ../shared/law/law-reference.md gives it: weights 1..11, sum
mod 11; a 10 means a second pass with weights 3..11,1,2):
  850315400124  8·1+5·2+0·3+3·4+1·5+5·6+4·7+0·8+0·9+1·10+2·11 = 125 = 11·11+4, check digit 4;
                born 15 March 1985 (7th digit 4: a woman of the 20th century)
  061211600012  0·1+6·2+1·3+2·4+1·5+1·6+6·7+0·8+0·9+0·10+1·11 = 87 = 7·11+10, so pass 2:
                0·3+6·4+1·5+2·6+1·7+1·8+6·9+0·10+0·11+0·1+1·2 = 112 = 10·11+2, check digit 2;
                born 11 December 2006 (7th digit 6: a woman of the 21st century).
                As a JSON number it loses its leading zero: 61211600012.
"""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest
from sqlalchemy import text

from registry_helpers import run_cli, write_manifest

DIGEST = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"  # SHA-256 of "test"
IIN_A = "850315400124"
IIN_B = "061211600012"
KEY = "an organisation's key, 38 bytes long"
ZWSP, SHY, WJ = "\u200b", "\u00ad", "\u2060"  # zero-width space, soft hyphen, word joiner


def _decision(subject="p-1", output="declined", **more):
    return {"subject": subject, "system": "retail-credit-scoring", "inputs_digest": DIGEST, "output": output, **more}


def _jsonl(tmp_path, lines, name="d.jsonl"):
    path = tmp_path / name
    path.write_text("".join((line if isinstance(line, str) else json.dumps(line, ensure_ascii=False)) + "\n"
                            for line in lines), encoding="utf-8")
    return path


def _registered(db_url, tmp_path):
    result = run_cli("register", str(write_manifest(tmp_path, "retail-credit-scoring")), "--db", db_url)
    assert result.returncode == 0, result.stderr


def _stored(db_url) -> tuple[int, str]:
    """(ledger entries, every text of decisions and ledger) as stored."""
    from senim.registry import Database

    db = Database(db_url)
    with db.read() as conn:
        count = conn.execute(text("SELECT count(*) FROM ledger_entries")).scalar_one()
        rows = [repr(tuple(r)) for table in ("decisions", "ledger_entries")
                for r in conn.execute(text(f"SELECT * FROM {table}"))]
    db.dispose()
    return count, "\n".join(rows)


def _one_sentence(result, *words):
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
    for word in words:
        assert word in result.stderr, result.stderr


def _pseudonym(iin: str) -> str:
    """The documented form, with the standard library alone."""
    key = KEY.encode()
    key_id = hmac.new(key, b"senim subject pseudonym key id", hashlib.sha256).hexdigest()[:8]
    return f"iin-hmac:{key_id}:" + hmac.new(key, f"kz_iin:{iin}".encode(), hashlib.sha256).hexdigest()


def test_R4_an_iin_written_as_a_number_with_a_zero_fraction_is_refused(db_url, tmp_path):
    _registered(db_url, tmp_path)
    before = _stored(db_url)
    cases = [
        ('{"id":"F-1","subject":"p-1","system":"retail-credit-scoring","inputs_digest":"sha256:%s",'
         '"output":850315400124.0}' % DIGEST, "output"),                       # the finding's own line
        (json.dumps(_decision(reasons=[{"feature": "income", "weight": 850315400124.0}])), "reasons"),
        (json.dumps(_decision(output=8.50315400124e11)), "output"),              # the same float, written otherwise
        (json.dumps(_decision(output=61211600012.0)), "output"),                 # 061211600012, its zero lost
        (json.dumps(_decision(output={"score": 61211600012})), "output"),
    ]
    for line, field in cases:
        result = run_cli("decisions", "record", str(_jsonl(tmp_path, [line])), "--db", db_url)
        _one_sentence(result, "d.jsonl:1", f"{field}: holds an IIN")
        assert IIN_A not in result.stderr and "61211600012" not in result.stderr
    assert _stored(db_url) == before  # nothing written, not even a ledger entry

    # A score is still a score, and a short whole number is not an IIN.
    fine = _jsonl(tmp_path, [_decision(output=0.850315400124, reasons=[{"feature": "income", "weight": 1200.0}])])
    assert run_cli("decisions", "record", str(fine), "--db", db_url).returncode == 0


@pytest.mark.parametrize("mark", [ZWSP, SHY, WJ], ids=["zero-width-space", "soft-hyphen", "word-joiner"])
def test_R21_an_iin_with_invisible_characters_inside_is_pseudonymised_or_refused(db_url, tmp_path, monkeypatch, mark):
    monkeypatch.setenv("SENIM_PSEUDONYM_KEY", KEY)
    _registered(db_url, tmp_path)
    hidden_a = IIN_A[:6] + mark + IIN_A[6:]
    hidden_b = IIN_B[:3] + mark + IIN_B[3:9] + mark + IIN_B[9:]

    # In the subject: stored as the IIN's keyed pseudonym, never as written.
    path = _jsonl(tmp_path, [_decision(hidden_a, id="D-1"), _decision(f"ИИН {hidden_b}", id="D-2")])
    result = run_cli("decisions", "record", str(path), "--db", db_url)
    assert result.returncode == 0, result.stderr
    assert "2 IIN subjects stored as keyed pseudonyms" in result.stdout
    count, stored = _stored(db_url)
    assert _pseudonym(IIN_A) in stored and _pseudonym(IIN_B) in stored
    for written in (hidden_a, hidden_b, IIN_A, IIN_B, IIN_A[:6], json.dumps(hidden_a)[1:-1]):
        assert written not in stored

    # Anywhere else: refused, and nothing stored.
    for record, field in ((_decision(output=f"flagged {hidden_a}"), "output"),
                          (_decision(reasons=[f"matched {hidden_b}"]), "reasons"),
                          (_decision(reasons=[{"feature": hidden_a, "weight": 1}]), "reasons"),
                          (_decision(reviewer=f"{hidden_a}"), "reviewer")):
        refused = run_cli("decisions", "record", str(_jsonl(tmp_path, [record])), "--db", db_url)
        _one_sentence(refused, f"{field}: holds an IIN")
    assert _stored(db_url)[0] == count


def test_R21_an_iin_in_other_digits_is_seen_as_the_iin_it_shows(tmp_path):
    from senim.registry.subjects import find_iin

    fullwidth = "".join(chr(0xFF10 + int(d)) for d in IIN_A)
    arabic_indic = "".join(chr(0x0660 + int(d)) for d in IIN_B)
    assert find_iin(fullwidth, "t") == IIN_A
    assert find_iin(arabic_indic, "t") == IIN_B
    assert find_iin(f"{IIN_A[:6]}\u2013{IIN_A[6:]}", "t") == IIN_A  # an en dash between the groups
    assert find_iin("p-7f3a\u200b91", "t") is None


@pytest.mark.parametrize("flag, value", [
    ("--aware-at", "9999-12-31T23:00:00+00:00"),   # the finding's: a deadline after it overflows
    ("--aware-at", "9999-12-31T23:59:59-23:59"),   # UTC itself overflows
    ("--aware-at", "0001-01-01T00:00:00+14:00"),
    ("--aware-at", "3000-01-01T00:00:00+00:00"),
    ("--occurred-at", "0001-01-01T00:00:00+00:00"),
])
def test_R5_a_date_outside_what_python_can_hold_is_refused_at_the_door(db_url, tmp_path, flag, value):
    _registered(db_url, tmp_path)
    before = _stored(db_url)
    args = ["incident", "new", "--kind", "personal_data_breach", "--severity", "high",
            "--system", "retail-credit-scoring", "--summary", "s", "--db", db_url]
    if flag == "--occurred-at":
        args += ["--aware-at", "2026-11-30T10:00:00+05:00"]
    result = run_cli(*args, flag, value)
    _one_sentence(result, value, "outside the years 1900 to 2999")
    assert _stored(db_url) == before
    listed = run_cli("incident", "list", "--db", db_url)
    assert listed.returncode == 0 and listed.stdout == "", listed.stderr

    # The last moment the registry holds works through every command that reads it.
    last = run_cli(*args[:-2], "--db", db_url, "--aware-at", "2999-12-31T23:59:59+00:00")
    assert last.returncode == 0, last.stderr
    for command in (["incident", "list"], ["incident", "show", "1"], ["incident", "report", "1"]):
        shown = run_cli(*command, "--db", db_url)
        assert shown.returncode == 0 and "Traceback" not in shown.stderr, (command, shown.stderr)
    update = run_cli("incident", "update", "1", "--status", "reported", "--reported-at", "9999-12-31T23:00:00-23:59",
                     "--db", db_url)
    _one_sentence(update, "reported_at", "outside the years")


def test_R20_deep_nesting_and_impossible_decided_at_are_one_sentence(db_url, tmp_path):
    _registered(db_url, tmp_path)
    before = _stored(db_url)
    deep = '{"subject":"p-1","system":"retail-credit-scoring","inputs_digest":"%s","output":%s1%s}' % (
        DIGEST, "[" * 5000, "]" * 5000)
    deep_object = json.dumps(_decision(output="x"))[:-1] + ',"reasons":[{"feature":"f","weight":' \
        + '{"a":' * 2000 + "1" + "}" * 2000 + "}]}"
    nested_40 = json.dumps(_decision(output=json.loads("[" * 40 + "]" * 40)))
    cases = [
        (deep, "nested"), (deep_object, "nested"), (nested_40, "nested more than 32 levels"),
        (json.dumps(_decision(decided_at="9999-12-31T23:59:59-23:59")), "decided_at"),
        (json.dumps(_decision(decided_at="0001-01-01T00:00:00+14:00")), "decided_at"),
        (json.dumps(_decision(decided_at="1899-12-31T23:59:59+00:00")), "outside the years 1900 to 2999"),
    ]
    for line, words in cases:
        result = run_cli("decisions", "record", str(_jsonl(tmp_path, [line])), "--db", db_url)
        _one_sentence(result, "d.jsonl:1", words)
    assert _stored(db_url) == before

    # 32 levels is what a record may have, and it is stored and read back.
    nested_32 = _decision(output=json.loads("[" * 31 + "]" * 31), decided_at="1900-01-01T00:00:00Z")
    assert run_cli("decisions", "record", str(_jsonl(tmp_path, [nested_32])), "--db", db_url).returncode == 0


def test_R20_a_line_longer_than_the_limit_is_refused_without_reading_it_whole(tmp_path):
    from senim.errors import InputError
    from senim.registry.decisions import MAX_LINE, read_jsonl

    path = tmp_path / "long.jsonl"
    path.write_bytes(json.dumps(_decision()).encode() + b"\n" + b'{"subject":"' + b"x" * MAX_LINE + b'"}\n')
    with pytest.raises(InputError, match=r"long\.jsonl:2: a line longer than 1 MB"):
        read_jsonl(path)
    broken = tmp_path / "latin1.jsonl"
    broken.write_bytes(json.dumps(_decision()).encode() + b"\n" + b'{"subject":"\xe9"}\n')
    with pytest.raises(InputError, match=r"latin1\.jsonl:2: not UTF-8 text"):
        read_jsonl(broken)
