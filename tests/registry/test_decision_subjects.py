"""An IIN given as a decision's subject never reaches the append-only ledger:
it is stored as a keyed pseudonym, and `decisions explain IIN` still finds it.

IINs used here, check digits worked by hand (Government Decree No. 406:
weights 1..11, sum mod 11):
  850315400124  8·1+5·2+0·3+3·4+1·5+5·6+4·7+0·8+0·9+1·10+2·11 = 125 ≡ 4 (mod 11),
                born 15 March 1985 (7th digit 4: a woman of the 20th century)
  061211600012  the decree's own example, printed as "061211 600012"
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import stat

from sqlalchemy import text

from registry_helpers import run_cli, write_manifest

DIGEST = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"  # SHA-256 of "test"
IIN_A = "850315400124"
IIN_B = "061211600012"
KEY = "an organisation's key, 38 bytes long"


def _file(tmp_path, lines, name="decisions.jsonl"):
    path = tmp_path / name
    path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    return path


def _decision(subject, output="declined", **more):
    return {"subject": subject, "system": "retail-credit-scoring", "inputs_digest": DIGEST, "output": output, **more}


def _everything(db_url) -> str:
    """Every text the registry stores: rows of every table, ledger included."""
    from senim.registry import Database

    db = Database(db_url)
    dumped = []
    with db.read() as conn:
        for table in ("decisions", "ledger_entries", "ledger_checkpoints", "systems", "system_versions"):
            dumped += [repr(tuple(row)) for row in conn.execute(text(f"SELECT * FROM {table}"))]
    db.dispose()
    return "\n".join(dumped)


def _subjects(db_url) -> list[str]:
    from senim.registry import Database

    db = Database(db_url)
    with db.read() as conn:
        found = conn.execute(text("SELECT subject FROM decisions ORDER BY id")).scalars().all()
    db.dispose()
    return found


def _expected_pseudonym(iin: str, key: bytes) -> str:
    """The documented form, computed here with the standard library alone."""
    key_id = hmac.new(key, b"senim subject pseudonym key id", hashlib.sha256).hexdigest()[:8]
    return f"iin-hmac:{key_id}:" + hmac.new(key, f"kz_iin:{iin}".encode(), hashlib.sha256).hexdigest()


def test_an_iin_subject_is_stored_as_a_keyed_pseudonym_and_explained(db_url, tmp_path, monkeypatch):
    monkeypatch.setenv("SENIM_PSEUDONYM_KEY", KEY)
    assert run_cli("register", str(write_manifest(tmp_path, "retail-credit-scoring")), "--db", db_url).returncode == 0
    path = _file(tmp_path, [
        _decision(IIN_A, "declined", reasons=["short credit history"]),
        _decision("ЖСН 061211 600012", "approved"),         # the printed grouping, with a label
        _decision("p-7f3a", "approved"),
    ])
    result = run_cli("decisions", "record", str(path), "--db", db_url)
    assert result.returncode == 0, result.stderr
    assert "recorded 3 decisions" in result.stdout and "2 IIN subjects stored as keyed pseudonyms" in result.stdout

    assert _subjects(db_url) == [_expected_pseudonym(IIN_A, KEY.encode()), _expected_pseudonym(IIN_B, KEY.encode()),
                                 "p-7f3a"]
    stored = _everything(db_url)
    for raw in (IIN_A, IIN_B, "061211 600012", "850315 400124"):
        assert raw not in stored
    assert "intact" in run_cli("ledger", "verify", "--db", db_url).stdout

    for asked in (IIN_A, "850315 400124"):  # the person gives their IIN, as written or printed
        answer = run_cli("decisions", "explain", asked, "--db", db_url)
        assert answer.returncode == 0, answer.stderr
        assert "declined" in answer.stdout and "short credit history" in answer.stdout
        assert "approved" not in answer.stdout  # the other people's decisions
    other = run_cli("decisions", "explain", IIN_B, "--lang", "kk", "--db", db_url)
    # the outcome in Kazakh words (the letter never shows the output's code)
    assert other.returncode == 0 and "мақұлданды" in other.stdout and "қабылданбады" not in other.stdout
    assert "p-7f3a" not in other.stdout
    # the pseudonym itself also names the subject
    assert run_cli("decisions", "explain", _subjects(db_url)[0], "--db", db_url).returncode == 0


def test_the_pseudonym_agrees_with_a_redacted_copy_made_with_the_same_key(db_url, tmp_path, monkeypatch):
    from senim.checks.personal_data.redact import pseudonym as redacted

    monkeypatch.setenv("SENIM_PSEUDONYM_KEY", KEY)
    assert run_cli("register", str(write_manifest(tmp_path, "retail-credit-scoring")), "--db", db_url).returncode == 0
    assert run_cli("decisions", "record", str(_file(tmp_path, [_decision(IIN_A)])), "--db", db_url).returncode == 0
    digest = _subjects(db_url)[0].rsplit(":", 1)[1]
    assert redacted(IIN_A, "kz_iin", KEY.encode()) == f"<kz_iin:{digest[:12]}>"


def test_the_key_is_made_once_owner_only_and_another_key_is_refused(db_url, tmp_path, senim_home, monkeypatch):
    assert run_cli("register", str(write_manifest(tmp_path, "retail-credit-scoring")), "--db", db_url).returncode == 0
    assert not (senim_home / "keys" / "subject-pseudonym.key").exists()
    first = run_cli("decisions", "record", str(_file(tmp_path, [_decision("p-1")], "plain.jsonl")), "--db", db_url)
    assert first.returncode == 0 and "pseudonym key" not in first.stderr  # no IIN, no key
    assert not (senim_home / "keys" / "subject-pseudonym.key").exists()

    second = run_cli("decisions", "record", str(_file(tmp_path, [_decision(IIN_A)])), "--db", db_url, fresh=True)
    assert second.returncode == 0, second.stderr
    key_file = senim_home / "keys" / "subject-pseudonym.key"
    assert second.stderr.count("created the subject pseudonym key") == 1
    key_bytes = key_file.read_bytes()
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600 and len(bytes.fromhex(key_bytes.decode())) == 32
    assert _subjects(db_url)[1] == _expected_pseudonym(IIN_A, key_bytes)
    # `senim redact --key-file` on the same file gives the same digest
    from senim.checks.personal_data.redact import load_key, pseudonym as redacted

    assert redacted(IIN_A, "kz_iin", load_key(str(key_file))) == f"<kz_iin:{_subjects(db_url)[1].rsplit(':', 1)[1][:12]}>"
    again = run_cli("decisions", "explain", IIN_A, "--db", db_url, fresh=True)
    assert again.returncode == 0 and "created" not in again.stderr and "declined" in again.stdout

    # Another machine with another key: nothing is recorded under it, nothing is silently not found.
    before = _everything(db_url)
    monkeypatch.setenv("SENIM_PSEUDONYM_KEY", KEY)
    path = _file(tmp_path, [_decision("p-2"), _decision(IIN_B)], "other.jsonl")
    refused = run_cli("decisions", "record", str(path), "--db", db_url)
    assert refused.returncode == 2 and refused.stderr.startswith(f"senim: {path}:2: subject: ")
    assert "pseudonym key" in refused.stderr and "Traceback" not in refused.stderr
    asked = run_cli("decisions", "explain", IIN_A, "--db", db_url)
    assert asked.returncode == 2 and "pseudonym key" in asked.stderr
    assert _everything(db_url) == before


def test_an_iin_elsewhere_in_a_record_is_refused(db_url, tmp_path, monkeypatch):
    monkeypatch.setenv("SENIM_PSEUDONYM_KEY", KEY)
    assert run_cli("register", str(write_manifest(tmp_path, "retail-credit-scoring")), "--db", db_url).returncode == 0
    good = _decision("p-1")
    before = _everything(db_url)
    for bad, field in [
        ({**good, "reviewer": f"officer, IIN {IIN_A}"}, "reviewer"),
        ({**good, "output": {"decision": "declined", "applicant": IIN_A}}, "output"),
        ({**good, "id": f"{IIN_B}-2026-001"}, "id"),
        ({**good, "reasons": [f"co-borrower {IIN_B}"]}, "reasons"),
        ({**good, "subject": f"{IIN_A}/{IIN_B}"}, "subject"),       # two people
        ({**good, "subject": "850315400125"}, "subject"),           # a mistyped IIN is still one
        ({**good, "subject": "850315 400125"}, "subject"),          # printed, mistyped
        ({**good, "subject": "ИИН 850315400125"}, "subject"),       # labelled, mistyped
    ]:
        path = _file(tmp_path, [good, bad])
        result = run_cli("decisions", "record", str(path), "--db", db_url)
        assert result.returncode == 2, bad
        assert result.stderr.startswith(f"senim: {path}:2: {field}: ") and "Traceback" not in result.stderr, result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
        assert IIN_A not in result.stderr and IIN_B not in result.stderr
        assert _everything(db_url) == before


def test_a_decimal_score_is_not_an_iin_and_the_explanation_masks_the_iin(db_url, tmp_path, monkeypatch):
    monkeypatch.setenv("SENIM_PSEUDONYM_KEY", KEY)
    assert run_cli("register", str(write_manifest(tmp_path, "retail-credit-scoring")), "--db", db_url).returncode == 0
    # a score whose digits happen to read as a valid IIN is a number, not a person
    path = _file(tmp_path, [_decision(IIN_A, {"decision": "declined", "score": float("0." + IIN_A)})])
    result = run_cli("decisions", "record", str(path), "--db", db_url)
    assert result.returncode == 0, result.stderr
    answer = run_cli("decisions", "explain", IIN_A, "--db", db_url)
    assert answer.returncode == 0 and "declined" in answer.stdout
    title = answer.stdout.splitlines()[0]  # (the score's digits appear further down, as the number they are)
    assert IIN_A not in title and IIN_A[:4] + "******" + IIN_A[-2:] in title


def test_a_refused_batch_leaves_no_new_key_file(db_url, tmp_path, senim_home):
    """Every check that can refuse a batch comes before the first pseudonym key
    is written; the key appears only with the first batch that is stored."""
    key_file = senim_home / "keys" / "subject-pseudonym.key"
    assert run_cli("register", str(write_manifest(tmp_path, "retail-credit-scoring")), "--db", db_url).returncode == 0
    assert run_cli("decisions", "record", str(_file(tmp_path, [_decision("p-1", id="D-1")], "plain.jsonl")),
                   "--db", db_url).returncode == 0
    before = _everything(db_url)
    iin_line = _decision(IIN_A, id="D-2")
    for lines, problem in [
        ([iin_line, _decision("p-1", "approved", id="D-1")], "id: 'D-1' of retail-credit-scoring is already recorded"),
        ([iin_line, _decision(IIN_B, id="D-2")], "id: 'D-2' of retail-credit-scoring is already recorded"),
        ([iin_line, {**_decision(IIN_B), "system": "no-such-system"}], "system: "),
        ([iin_line, _decision(IIN_B, system_version=7)], "system_version: "),
        ([iin_line, _decision("850315400125")], "subject: 12 digits that are not a valid IIN"),
    ]:
        path = _file(tmp_path, lines)
        refused = run_cli("decisions", "record", str(path), "--db", db_url)
        assert refused.returncode == 2, (problem, refused.stdout)
        assert refused.stderr.startswith(f"senim: {path}:2: {problem}"), refused.stderr
        assert "pseudonym key" not in refused.stderr
        assert not key_file.exists(), problem
        assert list((senim_home / "keys").glob("*subject-pseudonym*")) == []  # no temporary file either
        assert _everything(db_url) == before

    stored = run_cli("decisions", "record", str(_file(tmp_path, [iin_line])), "--db", db_url)
    assert stored.returncode == 0 and stored.stderr.count("created the subject pseudonym key") == 1
    assert _subjects(db_url)[1] == _expected_pseudonym(IIN_A, key_file.read_bytes())
    assert [p.name for p in (senim_home / "keys").glob("*subject-pseudonym*")] == ["subject-pseudonym.key"]


def test_a_key_written_meanwhile_by_another_process_is_the_one_used(db_url, tmp_path, senim_home, monkeypatch):
    """Two first uses at once: the batch made with the losing key is rolled
    back and made again with the key that was written."""
    from senim.registry import subjects

    rival = b"ab" * 32
    made = subjects.key_for_recording

    def another_process_writes_first():
        result = made()
        if result[1] and not subjects.key_path().exists():
            subjects.key_path().write_bytes(rival + b"\n")
        return result

    monkeypatch.setattr(subjects, "key_for_recording", another_process_writes_first)
    assert run_cli("register", str(write_manifest(tmp_path, "retail-credit-scoring")), "--db", db_url).returncode == 0
    result = run_cli("decisions", "record", str(_file(tmp_path, [_decision(IIN_A), _decision("p-1")])), "--db", db_url)
    assert result.returncode == 0, result.stderr
    assert "created" not in result.stderr and "recorded 2 decisions (1-2)" in result.stdout
    assert _subjects(db_url) == [_expected_pseudonym(IIN_A, rival), "p-1"]
    assert (senim_home / "keys" / "subject-pseudonym.key").read_bytes() == rival + b"\n"
    assert "intact" in run_cli("ledger", "verify", "--db", db_url).stdout


def _empty_key_file(senim_home):
    keys = senim_home / "keys"
    keys.mkdir(parents=True, exist_ok=True, mode=0o700)  # register made it for the ledger key
    key_file = keys / "subject-pseudonym.key"
    key_file.touch(mode=0o600)
    return key_file


def test_an_empty_key_file_left_by_a_dead_run_is_named_at_once(db_url, tmp_path, senim_home):
    import time

    assert run_cli("register", str(write_manifest(tmp_path, "retail-credit-scoring")), "--db", db_url).returncode == 0
    key_file = _empty_key_file(senim_home)
    before = _everything(db_url)
    path = _file(tmp_path, [_decision(IIN_A)])
    started = time.monotonic()
    refused = run_cli("decisions", "record", str(path), "--db", db_url)
    took = time.monotonic() - started
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    message = refused.stderr.strip()
    assert len(message.splitlines()) == 1 and message.startswith(f"senim: {key_file}: ")
    assert "empty" in message and "deleted" in message and "no other senim process" in message
    assert took < 3, took  # the wait for a concurrent writer is short
    assert _everything(db_url) == before and key_file.read_bytes() == b""  # left for the user to judge

    asked = run_cli("decisions", "explain", IIN_A, "--db", db_url)
    assert asked.returncode == 2 and asked.stderr.strip() == message

    key_file.unlink()  # what the message says to do
    assert run_cli("decisions", "record", str(path), "--db", db_url).returncode == 0


def test_a_key_file_being_written_by_another_process_is_waited_for(db_url, tmp_path, senim_home):
    """An older senim (or a file system without hard links) creates the name
    first and writes the key a moment later: that moment is waited out."""
    import threading

    assert run_cli("register", str(write_manifest(tmp_path, "retail-credit-scoring")), "--db", db_url).returncode == 0
    key_file = _empty_key_file(senim_home)
    theirs = b"cd" * 32
    writer = threading.Timer(0.3, key_file.write_bytes, args=(theirs,))
    writer.start()
    try:
        result = run_cli("decisions", "record", str(_file(tmp_path, [_decision(IIN_A)])), "--db", db_url)
    finally:
        writer.join()
    assert result.returncode == 0, result.stderr
    assert "created" not in result.stderr
    assert _subjects(db_url) == [_expected_pseudonym(IIN_A, theirs)]
