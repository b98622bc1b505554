"""Bad input to the registry commands is explained in the reader's language:
`senim decisions record`, `senim incident new|update`, `senim register` and
`senim systems` say each problem in Kazakh and Russian, with no English word or
code outside what the reader must write, and in English as they always have."""

from __future__ import annotations

import json
import os
import pickle
import re
import subprocess
import sys
from pathlib import Path

import pytest

from senim.errors import InputError, ParameterError
from tests.i18n.i18n_scan import CYRILLIC, data_values, findings

SYSTEM = "retail-credit-scoring"
MANIFEST = f"""format: "1.0"
id: {SYSTEM}
name: Retail credit scoring
owner: {{name: Example Bank JSC, bin: "940140000385"}}
markets: [KZ]
uses: [essential_services.creditworthiness]
failure_impact: [moral_or_material_harm]
human_oversight: can_override
"""
# Valid IINs, their check digit worked by hand (weights 1..11, sum mod 11):
# 8+10+0+12+5+30+28+0+0+10+22 = 125, 125 mod 11 = 4; 9+0+0+4+0+6+21+0+0+0+0 = 40, 40 mod 11 = 7.
IIN, OTHER_IIN, BAD_IIN = "850315400124", "900101300007", "850315400125"
DIGEST = "a" * 64


def _decision(**changes) -> dict:
    return {"subject": "p-1", "system": SYSTEM, "inputs_digest": DIGEST, "output": "approved", **changes}


@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch):
    monkeypatch.setenv("SENIM_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("SENIM_DB", raising=False)
    monkeypatch.delenv("SENIM_PSEUDONYM_KEY", raising=False)


def _registry(tmp_path: Path, *manifests: str):
    from senim.registry import Database, register

    db = Database(str(tmp_path / "registry.db"))
    for number, text in enumerate(manifests or (MANIFEST,)):
        path = tmp_path / f"m{number}.yaml"
        path.write_text(text, encoding="utf-8")
        register(db, path)
    return db


def _jsonl(tmp_path: Path, *lines) -> Path:
    path = tmp_path / "decisions.jsonl"
    path.write_bytes(b"".join((line if isinstance(line, bytes) else json.dumps(line).encode()) + b"\n" for line in lines))
    return path


def _record(tmp_path, *lines, manifests=()):
    from senim.registry.decisions import read_jsonl, record_decisions

    db = _registry(tmp_path, *manifests)
    record_decisions(db, *read_jsonl(_jsonl(tmp_path, *lines)))


def _check(raw):
    from senim.registry.decisions import check_decision

    check_decision(raw, "decisions.jsonl:1")


def _moment(value):
    from senim.registry.records import parse_moment

    parse_moment(value, "incident: aware_at")


def _form(value, limit=100):
    from senim.registry.records import form_text

    form_text(value, "contact", limit)


def _incident(tmp_path, manifests=(), **changes):
    from senim.registry import open_incident

    db = _registry(tmp_path, *manifests)
    fields = {"kind": "malfunction", "severity": "high", "systems": [SYSTEM], "summary": "Scores were wrong", **changes}
    open_incident(db, **fields)


def _older_incident(tmp_path):
    """An incident whose stored date an older Senim did not check: `incident show` refuses it."""
    from sqlalchemy import text

    from senim.registry.incidents import describe

    _incident(tmp_path)
    db = _registry(tmp_path)
    with db.write() as conn:
        record = json.loads(conn.execute(text("SELECT record FROM incidents WHERE id = 1")).scalar())
        conn.execute(text("UPDATE incidents SET record = :record WHERE id = 1"),
                     {"record": json.dumps({**record, "aware_at": "yesterday"})})
    describe(db, 1)


def _update(tmp_path, number=1, **changes):
    from senim.registry import update_incident

    db = _registry(tmp_path)
    update_incident(db, number, **changes)


def _read(tmp_path, content=None, path=None):
    from senim.registry.decisions import read_jsonl

    if content is not None:
        (tmp_path / "decisions.jsonl").write_bytes(content)
    read_jsonl(path or tmp_path / "decisions.jsonl")


def _fifo(tmp_path):
    os.mkfifo(tmp_path / "pipe")
    _read(tmp_path, path=tmp_path / "pipe")


def _unreadable(tmp_path, monkeypatch):
    import senim.registry.decisions as decisions

    def refused(*args, **kwargs):  # what open() says without the read permission (tests may run as root)
        raise PermissionError(13, "Permission denied")

    (tmp_path / "decisions.jsonl").write_text("{}\n")
    monkeypatch.setattr(decisions, "open", refused, raising=False)
    _read(tmp_path)


def _short_key(tmp_path):
    from senim.registry import subjects

    path = subjects.key_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"too-short")
    subjects.existing_key()


def _two_owners():
    """The same system id registered by two organisations (one by its BIN, one without)."""
    return MANIFEST, MANIFEST.replace(', bin: "940140000385"', "")


def _show(tmp_path, system, version=None, manifests=()):
    from senim.registry import show

    show(_registry(tmp_path, *manifests), system, version)


def _systems(tmp_path, **given):
    from senim.registry import list_systems

    list_systems(_registry(tmp_path), **given)


def _organisation(tmp_path, bin_, twice=False):
    from senim.registry.tenancy import add_organisation

    db = _registry(tmp_path)
    add_organisation(db, "Second Bank JSC", bin_)
    if twice:
        add_organisation(db, "Second Bank JSC", bin_)


def _other_org_system():
    return MANIFEST.replace(SYSTEM, "support-bot").replace(', bin: "940140000385"', "")


def _database(value, readonly=False):
    from senim.registry import Database

    Database(value, readonly=readonly)


def _read_only_file(tmp_path, monkeypatch):
    import senim.registry.db as db

    (tmp_path / "registry.db").touch()
    monkeypatch.setattr(db.os, "access", lambda *args, **kwargs: False)  # what a non-owner meets (tests may run as root)
    _database(str(tmp_path / "registry.db"))


def _under_a_file(tmp_path):
    (tmp_path / "plain").write_text("x")
    _database(str(tmp_path / "plain" / "registry.db"))


def _pipe_db(tmp_path):
    os.mkfifo(tmp_path / "registry.db")
    _database(str(tmp_path / "registry.db"))


def _unwritable_key(monkeypatch):
    from senim.registry import subjects

    def full(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(subjects, "_create", full)
    subjects.keep(b"k" * 64)


def _another_key(tmp_path, monkeypatch, none_here=False):
    from senim.registry import subjects
    from senim.registry.decisions import decisions_about

    _record(tmp_path, _decision(subject=IIN))  # makes the organisation's key
    if none_here:
        subjects.key_path().unlink()
        decisions_about(_registry(tmp_path), IIN)
    monkeypatch.setenv("SENIM_PSEUDONYM_KEY", "another-key-of-the-same-length-as-ours-0123456789abcdef")
    _record(tmp_path, _decision(subject=OTHER_IIN))


def _letter(tmp_path, tampered=False):
    from sqlalchemy import text

    from senim.registry.decisions import explain

    _record(tmp_path, _decision())
    db = _registry(tmp_path)
    if tampered:
        with db.write() as conn:
            conn.execute(text("UPDATE decisions SET record = replace(record, 'approved', 'refused')"))
    explain(db, "p-1" if tampered else "p-9")


def _not_storable():
    from senim.registry.records import jsonable

    jsonable({"score": float("nan")}, "decisions.jsonl:1")


# Each problem of the registry commands, a call that has it, and the values the reader wrote there.
CASES = {
    "errors.registry.required": (lambda t, m: _check({"system": SYSTEM}), []),
    "errors.registry.expected_text": (lambda t, m: _form(5), []),
    "errors.registry.too_long": (lambda t, m: _form("x" * 101), []),
    "errors.registry.not_a_moment": (lambda t, m: _moment("yesterday"), ["yesterday"]),
    "errors.registry.moment_kind": (lambda t, m: _moment(5), []),
    "errors.registry.no_offset": (lambda t, m: _moment("2026-03-02T10:00"), []),
    "errors.registry.outside_years": (lambda t, m: _moment("1899-12-31T23:59:59+00:00"), []),
    "errors.registry.too_deep": (lambda t, m: _check(_decision(output=json.loads("[" * 40 + "]" * 40))), []),
    "errors.registry.not_registered": (lambda t, m: _record(t, _decision(system="credit-x")), ["credit-x"]),
    "errors.registry.not_registered_in": (lambda t, m: _show(t, "credit-x"), ["credit-x"]),
    "errors.registry.several_owners": (lambda t, m: _show(t, SYSTEM, manifests=_two_owners()), [SYSTEM]),
    "errors.registry.several_owners_of": (lambda t, m: _record(t, _decision(), manifests=_two_owners()), [SYSTEM]),
    "errors.registry.no_version": (lambda t, m: _show(t, SYSTEM, version=9), [SYSTEM]),
    "errors.registry.system_has_no_version": (lambda t, m: _record(t, _decision(system_version=9)), [SYSTEM]),
    "errors.registry.limit": (lambda t, m: _systems(t, limit=0), []),
    "errors.registry.organisation_exists": (lambda t, m: _organisation(t, "940140000385", twice=True), []),
    "errors.field.not_one_of": (lambda t, m: _systems(t, risk="extreme"), ["extreme"]),
    "errors.bin.check_digit": (lambda t, m: _organisation(t, "940140000386"), []),
    "errors.file.missing": (lambda t, m: _read(t, path=t / "none.jsonl"), []),
    "errors.decision.not_an_object": (lambda t, m: _check(["subject"]), []),
    "errors.decision.unknown_field": (lambda t, m: _check(_decision(score=0.7)), ["score"]),
    "errors.decision.subject_kind": (lambda t, m: _check(_decision(subject=5)), []),
    "errors.decision.control_character": (lambda t, m: _check(_decision(subject="p-\x01")), []),
    "errors.decision.id_kind": (lambda t, m: _check(_decision(id=True)), []),
    "errors.decision.system_kind": (lambda t, m: _check(_decision(system=5)), []),
    "errors.decision.version_kind": (lambda t, m: _check(_decision(system_version=0)), []),
    "errors.decision.digest_kind": (lambda t, m: _check(_decision(inputs_digest="abc")), []),
    "errors.decision.reasons_kind": (lambda t, m: _check(_decision(reasons="income")), []),
    "errors.decision.reviewer_kind": (lambda t, m: _check(_decision(reviewer=1)), []),
    "errors.decision.data_used_kind": (lambda t, m: _check(_decision(data_used="income")), []),
    "errors.decision.iin_outside_subject": (lambda t, m: _check(_decision(output=f"refused {IIN}")), []),
    "errors.decision.several_iins": (lambda t, m: _check(_decision(subject=f"{IIN} {OTHER_IIN}")), []),
    "errors.decision.invalid_iin": (lambda t, m: _check(_decision(subject=BAD_IIN)), []),
    "errors.decision.changed": (lambda t, m: (_record(t, _decision(id="D-1")), _record(t, _decision(id="D-1", output="x"))),
                                ["D-1"]),
    "errors.decision.changed_in_file": (lambda t, m: _record(t, _decision(id="D-1"), _decision(id="D-1", output="x")),
                                        ["D-1"]),
    "errors.decision.key_too_short": (lambda t, m: _short_key(t), []),
    "errors.decision.not_regular_file": (lambda t, m: _fifo(t), []),
    "errors.decision.folder": (lambda t, m: _read(t, path=t), []),
    "errors.decision.unreadable": (lambda t, m: _unreadable(t, m), []),
    "errors.decision.no_records": (lambda t, m: _read(t, b"\n\n"), []),
    "errors.decision.line_too_long": (lambda t, m: _read(t, b"x" * (1 << 20) + b"xx\n"), []),
    "errors.decision.not_utf8": (lambda t, m: _read(t, b'{"subject": "\xff"}\n'), []),
    "errors.decision.not_json": (lambda t, m: _read(t, b'{"subject": \n'), []),
    "errors.decision.too_deep_to_read": (lambda t, m: _read(t, b"[" * 200_000 + b"]" * 200_000 + b"\n"), []),
    "errors.incident.no_systems": (lambda t, m: _incident(t, systems=[]), []),
    "errors.incident.several_organisations": (lambda t, m: _incident(t, manifests=(MANIFEST, _other_org_system()),
                                                                     systems=[SYSTEM, "support-bot"]), []),
    "errors.incident.occurred_after_aware": (lambda t, m: _incident(t, aware_at="2026-03-02T10:00:00+05:00",
                                                                    occurred_at="2026-03-03T10:00:00+05:00"), []),
    "errors.incident.affected": (lambda t, m: _incident(t, affected=-1), []),
    "errors.incident.nothing_to_change": (lambda t, m: _update(t), []),
    "errors.incident.no_such": (lambda t, m: _update(t, 99, status="closed"), []),
    "errors.incident.stored_by_older": (lambda t, m: _older_incident(t), ["yesterday", "aware_at"]),
    "errors.registry.no_database": (lambda t, m: _database(str(t / "none.db"), readonly=True), []),
    "errors.registry.db_folder": (lambda t, m: _database(str(t)), []),
    "errors.registry.db_not_regular": (lambda t, m: _pipe_db(t), []),
    "errors.registry.db_read_only": (lambda t, m: _read_only_file(t, m), []),
    "errors.registry.db_unreachable": (lambda t, m: _under_a_file(t), []),
    "errors.registry.db_port": (lambda t, m: _database("postgresql://senim@localhost:70000/registry"), []),
    "errors.registry.db_kind": (lambda t, m: _database("mysql://senim@localhost/registry"), []),
    "errors.registry.db_nul": (lambda t, m: _database("registry\x00.db"), []),
    "errors.registry.not_storable": (lambda t, m: _not_storable(), []),
    "errors.decision.key_unwritable": (lambda t, m: _unwritable_key(m), []),
    "errors.decision.other_key": (lambda t, m: _another_key(t, m), []),
    "errors.decision.no_key_here": (lambda t, m: _another_key(t, m, none_here=True), []),
    "errors.decision.none_about": (lambda t, m: _letter(t), []),
    "errors.decision.record_mismatch": (lambda t, m: _letter(t, tampered=True), []),
}
# Problems that more than one place says, with the others reached too.
ALSO = {
    "errors.field.not_one_of": [(lambda t, m: _incident(t, kind="alien_invasion"), ["alien_invasion"]),
                                (lambda t, m: _update(t, status="done"), ["done"])],
    "errors.registry.required": [(lambda t, m: _incident(t, summary=" "), []),
                                 (lambda t, m: _org_without_name(t), [])],
    "errors.registry.not_registered": [(lambda t, m: _incident(t, systems=["credit-x"]), ["credit-x"])],
    "errors.decision.not_utf8": [(lambda t, m: _web_batch(b"\xff\n"), [])],
}


def _org_without_name(tmp_path):
    from senim.registry.tenancy import add_organisation

    add_organisation(_registry(tmp_path), " ", "940140000385")


def _web_batch(blob):
    from senim.registry.decisions import read_jsonl_text

    read_jsonl_text(blob, "decisions")


def _raised(tmp_path, monkeypatch, call) -> InputError:
    with pytest.raises(InputError) as raised:
        call(tmp_path, monkeypatch)
    return raised.value


def _assert_said_in_kk_and_ru(error: InputError, key: str, written: list[str], tmp_path: Path) -> None:
    assert error.key == key, (error.key, str(error))  # the case reaches the sentence it is for
    assert error.problem_in("en") == error.problem and str(error).endswith(error.problem)
    values = data_values(written) | {f"sqlite:///{tmp_path / 'registry.db'}"}  # the registry's name
    for lang in ("kk", "ru"):
        problem = error.problem_in(lang)
        assert CYRILLIC.search(problem), (lang, problem)
        assert findings(problem, values) == [], (lang, problem)
        # the place (file, line, field) is the one of the English sentence, in every language,
        # but a place in words (an incident, an organisation), said in the language
        sentence = error.sentence_in(lang)
        assert sentence.endswith(problem)
        place, english = sentence[: len(sentence) - len(problem)], str(error)[: len(str(error)) - len(error.problem)]
        if error.place is None:
            assert place == english
        else:
            said = error.place.in_language(lang)
            assert CYRILLIC.search(said) and findings(said) == [], (lang, said)
            assert place == said + english[len(error.file):]


@pytest.mark.parametrize("key", sorted(CASES))
def test_each_registry_problem_is_said_in_kazakh_and_russian(tmp_path, monkeypatch, key):
    call, written = CASES[key]
    _assert_said_in_kk_and_ru(_raised(tmp_path, monkeypatch, call), key, written, tmp_path)


@pytest.mark.parametrize(("key", "number"), [(key, n) for key, calls in ALSO.items() for n in range(len(calls))])
def test_a_problem_said_in_several_places_is_said_in_each(tmp_path, monkeypatch, key, number):
    call, written = ALSO[key][number]
    _assert_said_in_kk_and_ru(_raised(tmp_path, monkeypatch, call), key, written, tmp_path)


def test_every_new_registry_sentence_has_a_case():
    from senim.i18n import catalog

    new = {k for k in catalog("errors") if k.split(".")[1] in ("registry", "decision", "incident")}
    assert new <= set(CASES)


# The English sentences as the registry wrote them before they came from the catalog
# (the f-strings of decisions.py, records.py, incidents.py, systems.py and tenancy.py).
ENGLISH = {
    "errors.registry.required": "decisions.jsonl:1: subject: required",
    "errors.registry.too_long": "contact: at most 100 characters",
    "errors.registry.not_a_moment": "incident: aware_at: 'yesterday' is not an ISO 8601 date-time",
    "errors.registry.moment_kind": "incident: aware_at: expected an ISO 8601 date-time, got int",
    "errors.registry.no_offset": "incident: aware_at: 2026-03-02T10:00 has no UTC offset (write e.g. 2026-03-02T10:00:00+05:00)",
    "errors.registry.outside_years": "incident: aware_at: 1899-12-31T23:59:59+00:00 is outside the years 1900 to 2999 (UTC) "
                                     "a registry date can be",
    "errors.registry.too_deep": "decisions.jsonl:1: nested more than 32 levels deep (lists and objects within each other)",
    "errors.registry.limit": "limit: 0 is not a whole number of at least 1",
    "errors.field.not_one_of": "risk: 'extreme' is not one of minimal, medium, high",
    "errors.bin.check_digit": "organisation: bin: '940140000386' fails the BIN check digit",
    "errors.registry.organisation_exists": "organisation: bin: an organisation with BIN 940140000385 exists already",
    "errors.decision.not_an_object": "decisions.jsonl:1: expected a JSON object, got list",
    "errors.decision.unknown_field": "decisions.jsonl:1: score: unknown field (known: data_used, decided_at, id, "
                                     "inputs_digest, output, reasons, reviewer, subject, system, system_version)",
    "errors.decision.control_character": "decisions.jsonl:1: subject: holds the control character U+0001; an id is printable text",
    "errors.decision.reasons_kind": "decisions.jsonl:1: reasons: expected a list of texts or of {feature, weight} objects "
                                    "(or the explanation check's {{feature, value, contribution}})",
    "errors.decision.several_iins": "decisions.jsonl:1: subject: holds 2 different IINs; a decision is about one person",
    "errors.incident.no_systems": "incident: systems: name at least one registered system",
    "errors.incident.affected": "incident: --affected: expected a whole number of people, 0 or more",
    "errors.incident.nothing_to_change": "incident 1: update: nothing to change (give a status, a severity, an action or a note)",
    "errors.incident.stored_by_older": "incident 1: aware_at: 'yesterday' is not an ISO 8601 date-time; it was stored by an "
                                       "older Senim and cannot be shown or reported (`senim incident list` still lists it)",
    "errors.incident.several_organisations": "incident: systems: the systems named belong to 2 organisations; "
                                             "an incident concerns the systems of one organisation",
}


@pytest.mark.parametrize("key", sorted(ENGLISH))
def test_english_sentences_are_unchanged(tmp_path, monkeypatch, key):
    assert str(_raised(tmp_path, monkeypatch, CASES[key][0])) == ENGLISH[key]


def test_the_places_and_the_problem_reach_the_sentence_whole(tmp_path, monkeypatch):
    error = _raised(tmp_path, monkeypatch, CASES["errors.registry.not_registered"][0])
    assert str(error) == f"{tmp_path / 'decisions.jsonl'}:1: system: 'credit-x' is not registered"
    assert (error.file, error.line, error.field) == (str(tmp_path / "decisions.jsonl"), 1, "system")
    assert error.problem_in("ru") == "система «credit-x» не зарегистрирована"
    changed = _raised(tmp_path / "b", monkeypatch, lambda t, m: (t.mkdir(), CASES["errors.decision.changed_in_file"][0](t, m)))
    assert str(changed) == (f"{tmp_path / 'b' / 'decisions.jsonl'}:2: id: 'D-1' of {SYSTEM} is already recorded "
                            f"({tmp_path / 'b' / 'decisions.jsonl'}:1) with other content; a recorded decision cannot "
                            "change, so give a correction its own id")


@pytest.mark.parametrize(("limit", "russian", "kazakh"), [
    (1, "не более 1 символа", "1 таңбадан аспауы керек"),       # CLDR: 1 is "one" in Russian (genitive singular)
    (21, "не более 21 символа", "21 таңбадан аспауы керек"),    # 21 is "one" too
    (3, "не более 3 символов", "3 таңбадан аспауы керек"),      # "few" after «не более»: genitive plural
    (100, "не более 100 символов", "100 таңбадан аспауы керек"),  # "many"; a Kazakh noun stays singular
])
def test_a_limit_agrees_with_its_number(tmp_path, monkeypatch, limit, russian, kazakh):
    error = _raised(tmp_path, monkeypatch, lambda t, m: _form("x" * (limit + 1), limit))
    assert (error.problem_in("ru"), error.problem_in("kk")) == (russian, kazakh)


@pytest.mark.parametrize(("count", "russian"), [
    (2, "этот идентификатор зарегистрировали 2 организации"),    # CLDR "few"
    (5, "этот идентификатор зарегистрировали 5 организаций"),    # "many"
    (21, "этот идентификатор зарегистрировала 21 организация"),  # "one": the verb agrees too
])
def test_the_organisations_agree_with_their_number(count, russian):
    error = InputError.said("errors.registry.several_owners", file=SYSTEM, field="system", count=count)
    assert error.problem_in("ru").startswith(russian + ";")
    assert error.problem_in("kk").startswith(f"бұл идентификаторды {count} ұйым тіркеген;")


@pytest.mark.parametrize("value", [[], "text", 5, 0.5, True, None])
def test_what_a_line_holds_instead_of_a_record_is_named_in_the_language(tmp_path, monkeypatch, value):
    error = _raised(tmp_path, monkeypatch, lambda t, m: _check(value))
    assert error.key == "errors.decision.not_an_object"
    for lang in ("kk", "ru"):
        got = error.problem_in(lang).split(": ", 1)[1]
        assert CYRILLIC.search(got) or got == "«null»", (lang, got)


def test_a_library_parameter_keeps_its_kind_and_its_languages_through_pickling(tmp_path, monkeypatch):
    error = _raised(tmp_path, monkeypatch, ALSO["errors.field.not_one_of"][1][0])
    assert isinstance(error, ParameterError) and error.field == "status"
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is ParameterError and copy.problem_in("kk") == error.problem_in("kk") and str(copy) == str(error)
    assert "«done»" in copy.problem_in("kk") and "'done'" in str(copy)


def _senim(*args: str, home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "SENIM_HOME": str(home)}
    env.pop("SENIM_DB", None)
    return subprocess.run([str(Path(sys.executable).with_name("senim")), *args], capture_output=True, text=True,
                          timeout=300, env=env)


def _problem_of(stderr: str) -> str:
    (line,) = stderr.splitlines()
    return re.sub(r"^senim: [^:]+?(?::\d+)?: (?:[\w.-]+: )?", "", line)  # the place: file or record, line and field


def test_the_registry_commands_speak_the_language_of_lang(tmp_path):
    home, db = tmp_path / "home", str(tmp_path / "registry.db")
    shown_db = f"sqlite:///{db}"  # how the registry names itself
    manifest = tmp_path / "senim.yaml"
    manifest.write_text(MANIFEST, encoding="utf-8")
    assert _senim("register", str(manifest), "--db", db, home=home).returncode == 0
    bad = _jsonl(tmp_path, _decision(), _decision(system="credit-x", subject="p-2"))
    seen = {}
    for lang in ("en", "kk", "ru"):
        recorded = _senim("decisions", "record", str(bad), "--db", db, "--lang", lang, home=home)
        opened = _senim("incident", "new", "--kind", "alien_invasion", "--severity", "high", "--system", SYSTEM,
                        "--summary", "Scores were wrong", "--db", db, f"--lang={lang}", home=home)
        updated = _senim("incident", "update", "7", "--note", "checked", "--db", db, "--lang", lang, home=home)
        for result in (recorded, opened, updated):
            assert result.returncode == 2 and "Traceback" not in result.stderr and result.stdout == "", result
        seen[lang] = (recorded.stderr, opened.stderr, updated.stderr)
    assert seen["en"] == (f"senim: {bad}:2: system: 'credit-x' is not registered\n",
                          "senim: incident: kind: 'alien_invasion' is not one of malfunction, harm_to_health, death, "
                          "infringement_of_rights, critical_infrastructure_disruption, personal_data_breach, "
                          "unlabelled_synthetic_content, misuse\n",
                          f"senim: incident 7: no such incident in {shown_db}\n")
    for lang in ("kk", "ru"):
        for stderr in seen[lang]:
            problem = _problem_of(stderr)
            assert problem != stderr.strip() and CYRILLIC.search(problem), stderr
            assert findings(problem, {"credit-x", "alien_invasion", shown_db}) == [], stderr
    for lang, incident, seventh in (("kk", "оқиға", "№ 7 оқиға"), ("ru", "инцидент", "инцидент № 7")):
        recorded, opened, updated = seen[lang]
        assert recorded.split(": ")[:2] == seen["en"][0].split(": ")[:2]  # the same file and line
        assert opened.startswith(f"senim: {incident}: kind: ")  # the same place, said in the language
        assert updated.startswith(f"senim: {seventh}: ")
    assert "система «credit-x» не зарегистрирована" in seen["ru"][0]
    assert "«credit-x» жүйесі тіркелмеген" in seen["kk"][0]
    assert "«misuse»" in seen["kk"][1] and "«alien_invasion»" in seen["ru"][1]
    # nothing was stored by the refused commands
    listed = _senim("incident", "list", "--format", "json", "--db", db, home=home)
    assert listed.returncode == 0 and json.loads(listed.stdout) == []
