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
from tests.i18n.i18n_scan import CYRILLIC, findings

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


# ------------------------------------------------------------ 2. a web job's error

def _failed_job(db, tmp_path, params) -> int:
    from senim.registry import jobs

    number = jobs.enqueue(db, "assess", params, _actor(db))
    claimed = jobs.claim(db, "test:1")
    assert claimed["id"] == number
    jobs.run(db, tmp_path / "files", claimed, "test:1")
    return number


def test_a_job_s_error_is_kept_in_every_language_and_given_in_english_as_before(tmp_path):
    from senim.registry import jobs

    db = _registry(tmp_path)
    number = _failed_job(db, tmp_path, {"system": SYSTEM, "version": 9, "lang": "en"})
    job = jobs.get(db, number, _actor(db))
    assert job["status"] == "failed"
    assert job["error"] == f"{SYSTEM}: version: no version 9 (latest is 1)"  # str(error), as it was stored
    assert job["error_in"] == {"en": job["error"], "kk": f"{SYSTEM}: version: 9-нұсқа жоқ (соңғысы — 1-нұсқа)",
                               "ru": f"{SYSTEM}: version: версии 9 нет (последняя — 1)"}


def test_a_job_whose_system_is_gone_says_not_found_in_every_language(tmp_path):
    from senim.registry import jobs

    db = _registry(tmp_path)
    job = jobs.get(db, _failed_job(db, tmp_path, {"system": "credit-x", "lang": "en"}), _actor(db))
    assert (job["error"], job["error_in"]["kk"], job["error_in"]["ru"]) == ("not found", "табылмады", "не найдено")


def test_a_job_error_kept_as_text_by_an_older_senim_reads_as_it_was(tmp_path):
    from sqlalchemy import update

    from senim.registry import jobs
    from senim.registry.models import Job

    db = _registry(tmp_path)
    number = _failed_job(db, tmp_path, {"system": SYSTEM, "version": 9, "lang": "en"})
    for kept in ("retail-credit-scoring: version: no version 9 (latest is 1)", "not found", "{not json",
                 '{"sentences": "not a mapping"}'):
        with db.write() as conn:
            conn.execute(update(Job).where(Job.id == number).values(error=kept))
        job = jobs.get(db, number, _actor(db))
        assert (job["error"], job["error_in"]) == (kept, None)


def _web(tmp_path):
    from fastapi.testclient import TestClient

    from senim.registry.people import add_user, sign_in
    from senim.web.app import create_app

    db = _registry(tmp_path)
    add_user(db, "engineer@bank.kz", BIN, "engineer", "a long enough password 1")
    session = sign_in(db, "engineer@bank.kz", "a long enough password 1")[0]
    app = create_app(db.url, files=tmp_path / "files", job_threads=0)
    client = TestClient(app, base_url="http://testserver")
    headers = {"cookie": f"senim_session={session}", "sec-fetch-site": "same-origin", "accept": "text/html"}
    return db, client, headers


def test_the_job_page_says_the_error_in_the_reader_s_language(tmp_path):
    db, client, headers = _web(tmp_path)
    number = _failed_job(db, tmp_path, {"system": SYSTEM, "version": 9, "lang": "en"})
    with client:
        pages = {lang: client.get(f"/jobs/{number}?lang={lang}", headers=headers) for lang in ("en", "kk", "ru")}
        api = client.get(f"/api/v1/jobs/{number}", headers={**headers, "accept": "application/json"})
    assert all(page.status_code == 200 for page in pages.values())
    assert f'<p class="problem">{SYSTEM}: version: no version 9 (latest is 1)</p>' in pages["en"].text
    assert f'<p class="problem">{SYSTEM}: version: 9-нұсқа жоқ (соңғысы — 1-нұсқа)</p>' in pages["kk"].text
    assert f'<p class="problem">{SYSTEM}: version: версии 9 нет (последняя — 1)</p>' in pages["ru"].text
    assert api.json()["error"] == f"{SYSTEM}: version: no version 9 (latest is 1)" and "error_in" not in api.json()


def test_a_page_that_is_not_there_says_so_in_the_reader_s_language(tmp_path):
    _db, client, headers = _web(tmp_path)
    with client:
        pages = {lang: client.get(f"/jobs/999?lang={lang}", headers=headers) for lang in ("en", "kk", "ru")}
        api = client.get("/api/v1/jobs/999", headers={**headers, "accept": "application/json"})
    assert all(page.status_code == 404 for page in pages.values())
    assert '<p class="problem" role="alert">not found</p>' in pages["en"].text
    assert '<p class="problem" role="alert">табылмады</p>' in pages["kk"].text
    assert '<p class="problem" role="alert">не найдено</p>' in pages["ru"].text
    assert api.json() == {"errors": [{"line": None, "field": None, "problem": "not found"}]}


def _log(tmp_path: Path) -> Path:
    path = tmp_path / "upload"
    path.write_text("approved,predicted,gender\n1,1,f\n0,1,m\n", encoding="utf-8")
    link = tmp_path / "upload.csv"
    link.symlink_to(path)
    return link


def _fields(**changes):
    return {"target": "approved", "prediction": "predicted", "sensitive": "gender", **changes}


# The check-job form's problems (registry.check_jobs): English as written before, then Russian and Kazakh.
FORM = {
    "no obligation": (lambda t: __import__("senim.registry.check_jobs", fromlist=["x"]).check_obligation("kz.nothing"),
                      "obligation: 'kz.nothing' is not an obligation of the rule packs",
                      "obligation: «kz.nothing» — не обязанность из пакетов правил",
                      "obligation: «kz.nothing» — ережелер жинағындағы міндет емес"),
    "no target": (lambda t: _params(t, target=" "), "target: required: name a column of the file",
                  "target: не заполнено: укажите столбец файла", "target: толтырылмаған: файлдың бір бағанын атаңыз"),
    "no sensitive": (lambda t: _params(t, sensitive=","),
                     "sensitive: required: name a column of the file (several with commas)",
                     "sensitive: не заполнено: укажите столбец файла (несколько — через запятую)",
                     "sensitive: толтырылмаған: файлдың бір бағанын атаңыз (бірнеше болса, үтір арқылы)"),
    "gate not a number": (lambda t: _params(t, max_difference="a tenth"), "max_difference: 'a tenth' is not a number",
                          "max_difference: «a tenth» — не число", "max_difference: «a tenth» сан емес"),
    "gate past 1": (lambda t: _params(t, max_difference="1.5"), "max_difference: 1.5 is not between 0 and 1",
                    "max_difference: 1.5 не лежит между 0 и 1", "max_difference: 1.5 0 мен 1 аралығында емес"),
    "not a table": (lambda t: _params(t, suffix=".txt"),
                    "file: log.txt: not a table; give a CSV, Parquet or JSON Lines file",
                    "file: «log.txt» — не таблица; загрузите файл CSV, Parquet или JSON Lines",
                    "file: «log.txt» кесте емес; CSV, Parquet немесе JSON Lines файлын беріңіз"),
    "no column": (lambda t: _params(t, sensitive="age"),
                  "sensitive: no column 'age' in log.csv (its columns: approved, predicted, gender)",
                  "sensitive: в файле «log.csv» нет столбца «age» (его столбцы: «approved», «predicted», «gender»)",
                  "sensitive: «log.csv» файлында «age» бағаны жоқ (оның бағандары: «approved», «predicted», «gender»)"),
}


def _params(tmp_path, suffix=".csv", **changes):
    from senim.registry.check_jobs import fairness_params

    name = "log" + suffix
    fairness_params(_log(tmp_path), name, suffix, _fields(**changes))


@pytest.mark.parametrize("case", sorted(FORM))
def test_a_check_job_s_form_problem_is_said_in_the_language(tmp_path, case):
    call, english, russian, kazakh = FORM[case]
    error = _raised(lambda: call(tmp_path))
    assert (str(error), error.sentence_in("ru"), error.sentence_in("kk")) == (english, russian, kazakh)


def test_a_file_the_check_cannot_read_is_named_as_the_user_gave_it_in_the_language(tmp_path):
    from senim.registry.check_jobs import named_as

    server = str(tmp_path / "upload.csv")
    found = InputError.said("errors.file.missing", file=server)
    named = named_as(found, server, "log.csv", "file")
    assert str(named) == str(InputError(str(found).replace(server, "log.csv"), field="file")) == "file: log.csv: no such file"
    assert (named.sentence_in("ru"), named.sentence_in("kk")) == ("file: log.csv: такого файла нет",
                                                                  "file: log.csv: мұндай файл жоқ")


@pytest.mark.parametrize(("status", "english", "russian"), [
    ("queued", "job_id: job 1 has no file (queued)", "job_id: у задания № 1 нет файла (в очереди)"),
    ("failed", "job_id: job 1 has no file (failed)", "job_id: у задания № 1 нет файла (завершилось неудачей)"),
    ("done", "job_id: job 1 has no file (done without a file)", "job_id: у задания № 1 нет файла (выполнено, но файл не создан)"),
])
def test_a_job_without_a_file_says_so_in_the_language(tmp_path, status, english, russian):
    from sqlalchemy import update

    from senim.registry import jobs
    from senim.registry.check_jobs import job_file
    from senim.registry.models import Job

    db = _registry(tmp_path)
    number = jobs.enqueue(db, "pdf", {"assessment": 1}, _actor(db))
    with db.write() as conn:
        conn.execute(update(Job).where(Job.id == number).values(status=status, result="{}"))
    error = _raised(lambda: job_file(db, tmp_path / "files", number, _actor(db)))
    assert (str(error), error.sentence_in("ru")) == (english, russian)
    assert CYRILLIC.search(error.problem_in("kk")) and findings(error.problem_in("kk")) == []


# ------------------------------------------------------------ 3. key files

KEY = b"0123456789abcdef0123456789abcdef\n"


def _redact(tmp_path: Path, key: Path, lang: str) -> subprocess.CompletedProcess:
    text = tmp_path / "people.txt"
    text.write_text("Иван 850315400124\n", encoding="utf-8")
    return _senim("redact", str(text), "-o", str(tmp_path / f"out-{lang}.txt"), "--mode", "pseudonym", "--key-file",
                  str(key), "--lang", lang, home=tmp_path / "home")


@pytest.mark.parametrize(("mode", "english", "kazakh", "russian"), [
    (0o644, "the key file is open to anyone on this machine (mode 0644); make it its owner's only: chmod 600 {key}",
     "кілт файлы осы компьютердің кез келген пайдаланушысы үшін ашық (рұқсаттары: 0644); оны тек иесіне қалдырыңыз: "
     "`chmod 600 {key}`",
     "файл ключа открыт для любого пользователя этого компьютера (права: 0644); оставьте доступ только владельцу: "
     "`chmod 600 {key}`"),
    (0o640, "the key file is open to its group (mode 0640); make it its owner's only: chmod 600 {key}",
     "кілт файлы файл тобының мүшелері үшін ашық (рұқсаттары: 0640); оны тек иесіне қалдырыңыз: `chmod 600 {key}`",
     "файл ключа открыт для участников группы файла (права: 0640); оставьте доступ только владельцу: "
     "`chmod 600 {key}`"),
])
def test_a_key_file_others_can_read_is_told_in_the_language_of_lang(tmp_path, mode, english, kazakh, russian):
    key = tmp_path / "my.key"
    key.write_bytes(KEY)
    key.chmod(mode)
    for lang, sentence in (("en", english), ("kk", kazakh), ("ru", russian)):
        done = _redact(tmp_path, key, lang)
        assert done.returncode == 0, done.stderr
        assert f"senim: {key}: {sentence.format(key=key)}\n" in done.stderr, (lang, done.stderr)


def test_a_symlinked_key_file_is_told_in_the_language_of_lang(tmp_path):
    key = tmp_path / "real.key"
    key.write_bytes(KEY)
    key.chmod(0o600)
    link = tmp_path / "my.key"
    link.symlink_to(key)
    said = {lang: _redact(tmp_path, link, lang) for lang in ("en", "kk", "ru")}
    assert all(done.returncode == 0 for done in said.values()), said
    assert (f"senim: {link}: the key file is a symbolic link (to {key}); keep a key in a regular file only its "
            "owner can read\n") in said["en"].stderr
    assert (f"senim: {link}: кілт файлы — символдық сілтеме («{key}» файлына); кілтті тек иесі ғана оқи алатын "
            "кәдімгі файлда сақтаңыз\n") in said["kk"].stderr
    assert (f"senim: {link}: файл ключа — символическая ссылка (на «{key}»); храните ключ в обычном файле, который "
            "может читать только его владелец\n") in said["ru"].stderr


def test_a_library_notice_is_a_sentence_in_the_settings_language(tmp_path):
    from senim.paths import read_secret
    from senim.settings import Settings

    key = tmp_path / "my.key"
    key.write_bytes(KEY)
    key.chmod(0o644)
    said: list = []
    for lang in ("en", "ru"):
        with Settings(home=tmp_path, notice=said.append, lang=lang).active():
            read_secret(key, "pseudonym key")
    assert said == [f"{key}: the key file is open to anyone on this machine (mode 0644); make it its owner's only: "
                    f"chmod 600 {key}",
                    f"{key}: файл ключа открыт для любого пользователя этого компьютера (права: 0644); оставьте "
                    f"доступ только владельцу: `chmod 600 {key}`"]


def test_a_key_file_left_empty_is_said_in_the_language(tmp_path, monkeypatch):
    from senim import paths
    from senim.registry import subjects

    monkeypatch.setattr(paths, "KEY_FILL_WAIT", 0)
    key = subjects.key_path()
    key.parent.mkdir(parents=True, exist_ok=True)
    key.touch(mode=0o600)
    error = _raised(subjects.existing_key)
    assert str(error) == (f"{key}: the pseudonym key file is empty (an interrupted first run?) and may be deleted if "
                          "no other senim process is creating it right now")
    assert error.sentence_in("ru") == (f"{key}: файл пуст: ключ псевдонимизации в нём не записан (первый запуск "
                                       "прервался?); если сейчас его не создаёт другой процесс senim, файл можно удалить")
    assert error.sentence_in("kk") == (f"{key}: бүркеншік ат кілті файлы бос (алғашқы іске қосу үзіліп қалған ба?); "
                                       "қазір оны басқа senim процесі жасап жатпаса, файлды өшіруге болады")
