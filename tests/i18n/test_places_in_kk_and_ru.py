"""What stood in English around a Kazakh or Russian sentence: the place of a
registry problem that is not a file ("incident 3:", "decision 1:",
"organisation:"), a web job's error stored as English text, the notice on a key
file others can read, and "no such job". Each is said in the reader's language,
in the words the registry's own output uses («инцидент № 3», «№ 3 оқиға»), and
each English sentence is the one Senim has always written (given here as written
before this change)."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from senim.errors import InputError, ParameterError
from tests.i18n.i18n_scan import findings

SYSTEM = "retail-credit-scoring"
BIN = "940140000385"
MANIFEST = f"""format: "1.0"
id: {SYSTEM}
name: Retail credit scoring
owner: {{name: Example Bank JSC, bin: "{BIN}"}}
markets: [KZ]
uses: [essential_services.creditworthiness]
failure_impact: [moral_or_material_harm]
human_oversight: can_override
"""
DIGEST = "a" * 64


@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch):
    monkeypatch.setenv("SENIM_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("SENIM_DB", raising=False)
    monkeypatch.delenv("SENIM_PSEUDONYM_KEY", raising=False)


def _registry(tmp_path: Path):
    from senim.registry import Database, register

    db = Database(str(tmp_path / "registry.db"))
    path = tmp_path / "senim.yaml"
    path.write_text(MANIFEST, encoding="utf-8")
    register(db, path)
    return db


def _raised(call) -> InputError:
    with pytest.raises(InputError) as raised:
        call()
    return raised.value


def _incident(db, **changes):
    from senim.registry import open_incident

    fields = {"kind": "malfunction", "severity": "high", "systems": [SYSTEM], "summary": "Scores were wrong", **changes}
    return open_incident(db, **fields)


# ------------------------------------------------------------ 1. registry places

def _update_status(tmp_path):
    from senim.registry import update_incident

    db = _registry(tmp_path)
    _incident(db)
    update_incident(db, 1, status="done")


def _update_reported(tmp_path):
    from senim.registry import update_incident

    db = _registry(tmp_path)
    _incident(db)
    update_incident(db, 1, reported_at="yesterday")


def _no_such_incident(tmp_path):
    from senim.registry import get_incident

    get_incident(_registry(tmp_path), 3)


def _new_without_systems(tmp_path):
    _incident(_registry(tmp_path), systems=[])


def _new_aware_at(tmp_path):
    _incident(_registry(tmp_path), aware_at="2026-03-02T10:00")


def _organisation(tmp_path):
    from senim.registry.tenancy import add_organisation

    add_organisation(_registry(tmp_path), "Second Bank JSC", "940140000386")


def _decision(**changes):
    return {"subject": "p-1", "system": SYSTEM, "inputs_digest": DIGEST, "output": "approved", **changes}


def _batch_unregistered(tmp_path):
    """Records given to the library without places of their own: the second is decision 2."""
    from senim.registry.decisions import check_decision, record_decisions

    records = [check_decision(_decision(), "x"), check_decision(_decision(subject="p-2", system="credit-x"), "x")]
    record_decisions(_registry(tmp_path), records)


def _one_decision(tmp_path):
    from senim.registry import record_decision

    record_decision(_registry(tmp_path), **_decision(decided_at="2026-03-02T10:00"))


def _tampered_letter(tmp_path):
    from sqlalchemy import text

    from senim.registry.decisions import explain, read_jsonl, record_decisions

    db = _registry(tmp_path)
    (tmp_path / "d.jsonl").write_text('{"subject": "p-1", "system": "%s", "inputs_digest": "%s", "output": "approved"}\n'
                                      % (SYSTEM, DIGEST))
    record_decisions(db, *read_jsonl(tmp_path / "d.jsonl"))
    with db.write() as conn:
        conn.execute(text("UPDATE decisions SET record = replace(record, 'approved', 'refused')"))
    explain(db, "p-1")


# Each place: a call that names it, the English sentence as Senim wrote it (an f-string place
# before), and the beginning of the Kazakh and Russian sentences: the place in words, the field as written.
PLACES = {
    "an incident's number": (_update_status, "incident 1: status: 'done' is not one of open, reported, closed",
                             "№ 1 оқиға: status: ", "инцидент № 1: status: "),
    "an incident's date": (_update_reported, "incident 1: reported_at: 'yesterday' is not an ISO 8601 date-time",
                           "№ 1 оқиға: reported_at: ", "инцидент № 1: reported_at: "),
    "an incident not there": (_no_such_incident, None, "№ 3 оқиға: ", "инцидент № 3: "),
    "a new incident": (_new_without_systems, "incident: systems: name at least one registered system",
                       "оқиға: systems: ", "инцидент: systems: "),
    "a new incident's date": (_new_aware_at, "incident: aware_at: 2026-03-02T10:00 has no UTC offset "
                                             "(write e.g. 2026-03-02T10:00:00+05:00)",
                              "оқиға: aware_at: ", "инцидент: aware_at: "),
    "a new organisation": (_organisation, "organisation: bin: '940140000386' fails the BIN check digit",
                           "ұйым: bin: ", "организация: bin: "),
    "a decision of a batch": (_batch_unregistered, "decision 2: system: 'credit-x' is not registered",
                              "№ 2 шешім: system: ", "решение № 2: system: "),
    "a decision of the library": (_one_decision, "decision: decided_at: 2026-03-02T10:00 has no UTC offset "
                                                 "(write e.g. 2026-03-02T10:00:00+05:00)",
                                  "шешім: decided_at: ", "решение: decided_at: "),
    "a recorded decision": (_tampered_letter, "decision 1: its record does not match ledger entry …",
                            "№ 1 шешім: ", "решение № 1: "),
}


@pytest.mark.parametrize("case", sorted(PLACES))
def test_the_place_of_a_registry_problem_is_said_in_the_language(tmp_path, case):
    call, english, kazakh, russian = PLACES[case]
    error = _raised(lambda: call(tmp_path))
    if english is not None and english.endswith("…"):  # what follows is a count of the ledger's
        assert str(error).startswith(english[:-1])
    elif english is not None:
        assert str(error) == english
    for lang, start in (("kk", kazakh), ("ru", russian)):
        sentence = error.sentence_in(lang)
        assert sentence.startswith(start) and sentence == start + error.problem_in(lang), (lang, sentence)
        # no English word but the field (a code the reader writes): the place in words and the problem
        words = f"{error.place.in_language(lang)}: {error.problem_in(lang)}"
        assert findings(words, {SYSTEM, "credit-x", "yesterday", "2026-03-02T10:00", "940140000386",
                                f"sqlite:///{tmp_path / 'registry.db'}"}) == [], (lang, sentence)


def test_a_place_in_words_keeps_its_language_through_pickling(tmp_path):
    error = _raised(lambda: _update_status(tmp_path))
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is ParameterError and str(copy) == str(error)
    assert copy.sentence_in("ru") == error.sentence_in("ru") and copy.sentence_in("ru").startswith("инцидент № 1:")


def test_a_problem_at_another_place_keeps_it_in_words(tmp_path):
    error = _raised(lambda: _update_status(tmp_path))
    moved = error.placed(file=error.place, field="state")
    assert str(moved) == "incident 1: state: 'done' is not one of open, reported, closed"
    assert moved.sentence_in("kk").startswith("№ 1 оқиға: state: ")


def _senim(*args: str, home: Path, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "SENIM_HOME": str(home)}
    env.pop("SENIM_DB", None)
    return subprocess.run([str(Path(sys.executable).with_name("senim")), *args], capture_output=True, text=True,
                          timeout=300, env=env, cwd=cwd)


def test_the_cli_says_an_incident_s_place_and_its_option_in_the_language(tmp_path):
    home, db = tmp_path / "home", str(tmp_path / "registry.db")
    (tmp_path / "senim.yaml").write_text(MANIFEST, encoding="utf-8")
    assert _senim("register", str(tmp_path / "senim.yaml"), "--db", db, home=home).returncode == 0
    said = {lang: _senim("incident", "update", "7", "--status", "done", "--db", db, "--lang", lang, home=home)
            for lang in ("en", "kk", "ru")}
    assert all(done.returncode == 2 and done.stdout == "" for done in said.values()), said
    assert said["en"].stderr == "senim: incident 7: --status: 'done' is not one of open, reported, closed\n"
    assert said["kk"].stderr.startswith("senim: № 7 оқиға: --status: «done» ")
    assert said["ru"].stderr.startswith("senim: инцидент № 7: --status: «done» — недопустимое значение")


# ------------------------------------------------------------ 4. no such job (owned)

def _actor(db):
    from senim.registry.tenancy import Actor, organisation

    with db.read() as conn:
        return Actor(org=organisation(conn, bin_=BIN)["id"], user="engineer@bank.kz", via="session", role="engineer")


@pytest.mark.parametrize(("what", "english", "kazakh", "russian"), [
    ("job", "job 999: no such job", "№ 999 тапсырма: мұндай тапсырма жоқ", "задание № 999: такого задания нет"),
    ("evidence", "evidence 999: no such evidence", "№ 999 дәлел: мұндай дәлел жоқ",
     "доказательство № 999: такого доказательства нет"),
    ("assessment", "assessment 999: no such assessment", "№ 999 бағалау: мұндай бағалау жоқ",
     "оценка № 999: такой оценки нет"),
    ("request", "request 999: no such request", "№ 999 өтініш: мұндай өтініш жоқ", "обращение № 999: такого обращения нет"),
])
def test_an_object_that_is_not_the_organisation_s_is_no_such_one_in_the_language(tmp_path, what, english, kazakh,
                                                                                   russian):
    from senim.registry.models import Assessment, Evidence, Job
    from senim.registry.public_models import CitizenRequest
    from senim.registry.tenancy import NotFound, owned

    db = _registry(tmp_path)
    model = {"job": Job, "evidence": Evidence, "assessment": Assessment, "request": CitizenRequest}[what]
    with pytest.raises(NotFound) as raised:
        owned(db, model, 999, _actor(db), what)
    error = raised.value
    assert (str(error), error.sentence_in("kk"), error.sentence_in("ru")) == (english, kazakh, russian)
