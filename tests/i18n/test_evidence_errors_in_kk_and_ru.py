"""A bad evidence path or answer, and a file Senim cannot read, are explained
in the reader's language: every problem of the manifest's `evidence:` section
and of the generic file reading (senim.reading) said in Kazakh and Russian,
with no English word or code outside what the reader must write, and the
English sentences as they were."""

from __future__ import annotations

import errno
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from senim.errors import InputError, Word
from senim.i18n import catalog, has
from tests.assessment.assess_helpers import BASE
from tests.i18n.i18n_scan import CYRILLIC, findings

ROOT = Path(__file__).resolve().parents[2]
SIZE = re.compile(r"\b\d+(?:\.\d+)? [KM]B(?:-\w+)?")
SENIM = Path(sys.executable).with_name("senim")
MANIFEST = BASE + "evidence:\n"
STATEMENT = "    answer: yes\n    by: Legal department\n    on: 2026-09-15\n"


def _said_everywhere(error: InputError, key: str, values: set[str] = frozenset()) -> None:
    """The error is the catalog's sentence `key`, Kazakh and Russian with no stray code or English word."""
    assert error.key == key, (error.key, str(error))
    assert error.problem_in("en") == error.problem
    for lang in ("kk", "ru"):
        problem = error.problem_in(lang)
        assert CYRILLIC.search(problem), (lang, problem)
        # sizes stay as size_words writes them ("1 MB", "1 MB-тан"), as asked for these sentences
        assert findings(SIZE.sub(" ", problem), values) == [], (lang, problem)
        sentence = error.sentence_in(lang)
        assert sentence.endswith(problem) and sentence[: -len(problem)] == str(error)[: -len(error.problem)]


# ------------------------------------------------------------ senim.reading


def _read(path, limit: int = 1 << 20, what: object = "manifest", bound=None) -> InputError:
    from senim.reading import read_bounded

    with pytest.raises(InputError) as raised:
        read_bounded(path, limit, what, bound)
    return raised.value


def test_a_fifo_is_refused_in_kazakh_and_russian(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    error = _read(fifo)
    assert str(error) == f"{fifo}: is a FIFO (named pipe), not a regular file; Senim reads a manifest only from a regular file"
    _said_everywhere(error, "errors.file.not_regular")
    assert "атаулы арна" in error.problem_in("kk") and "манифест" in error.problem_in("kk")
    assert error.problem_in("ru") == "это именованный канал, а не обычный файл; манифест читается только из обычного файла"


@pytest.mark.parametrize(("make", "english", "russian"), [
    (lambda tmp: Path("/dev/null"), "a device", "файл устройства"),
    (lambda tmp: tmp, "a folder", "папка"),  # Linux opens a folder read-only; fstat says what it is
])
def test_each_kind_of_file_that_is_not_regular_is_named(tmp_path, make, english, russian):
    error = _read(make(tmp_path), what="key file")
    assert error.problem == f"is {english}, not a regular file; Senim reads a key file only from a regular file"
    _said_everywhere(error, "errors.file.not_regular")
    assert error.problem_in("ru").startswith(f"это {russian}, а не обычный файл; файл ключа ")


def test_a_file_over_its_limit_is_refused_with_its_size(tmp_path):
    big = tmp_path / "labels.yaml"
    big.write_bytes(b"x" * 2_500_000)
    error = _read(big, 1 << 20, Word("errors.what.label_table"))
    assert error.problem == "the file is 2.5 MB; a label table is at most 1 MB"
    _said_everywhere(error, "errors.file.too_large")
    assert error.problem_in("kk") == "файлдың көлемі — 2.5 MB; белгілер кестесі үшін шек — 1 MB"
    assert error.problem_in("ru") == "размер файла — 2.5 MB; таблица подписей признаков может занимать не больше 1 MB"


def test_a_file_that_reads_longer_than_its_size_is_refused_at_its_bound():
    # /proc files say size 0 and hold more: the bound is counted as read, not as stat says
    error = _read("/proc/self/maps", 10, "list of rows")
    assert error.problem == "the file is more than 0 KB; a list of rows is at most 0 KB"
    _said_everywhere(error, "errors.file.too_large.grew")
    assert "жолдар тізімі" in error.problem_in("kk")


def test_a_manifest_over_1_mb_keeps_its_own_bound_in_every_language(tmp_path):
    from senim.manifest import load_manifest

    path = tmp_path / "senim.yaml"
    path.write_bytes(b"# " + b"x" * 1_200_000 + b"\n")
    with pytest.raises(InputError) as raised:
        load_manifest(path)
    error = raised.value
    assert str(error) == f"{path}: the file is 1.2 MB; a manifest is a short text of at most 1 MB"
    _said_everywhere(error, "errors.file.too_large.bound")
    assert error.problem_in("ru") == "размер файла — 1.2 MB; манифест — это короткий текст не больше 1 MB"
    grew = _read("/proc/self/maps", 10, bound=Word("errors.file.bound.manifest"))
    assert grew.problem == "the file is more than 0 KB; a manifest is a short text of at most 1 MB"
    _said_everywhere(grew, "errors.file.too_large.bound.grew")


def test_a_folder_the_system_will_not_open_as_a_file(tmp_path, monkeypatch):
    import senim.reading as reading

    def refuse(path, flags):  # what os.open says of a folder where the system refuses to open one
        raise IsADirectoryError(errno.EISDIR, "Is a directory", str(path))

    monkeypatch.setattr(reading.os, "open", refuse)
    error = _read(tmp_path, what="report")
    assert error.problem == "is a folder; give the report itself"
    _said_everywhere(error, "errors.file.folder")
    assert error.problem_in("ru") == "это папка; укажите сам файл (отчёт)"


def test_a_file_that_cannot_be_opened_quotes_the_system(tmp_path):
    loop = tmp_path / "loop"
    loop.symlink_to(loop)  # ELOOP: neither missing nor forbidden
    error = _read(loop, what="public key")
    assert error.problem == "the public key cannot be opened (Too many levels of symbolic links)"
    _said_everywhere(error, "errors.file.cannot_open")
    assert error.problem_in("kk") == "ашық кілт ашылмайды (жүйенің хабары: «Too many levels of symbolic links»)"
    server = socket.socket(socket.AF_UNIX)  # a socket: Linux will not open one as a file (ENXIO)
    server.bind(str(tmp_path / "s"))
    server.close()
    _said_everywhere(_read(tmp_path / "s"), "errors.file.cannot_open")


def test_a_file_that_cannot_be_read_quotes_the_system():
    # a regular file whose first page is not mapped: reading it fails with EIO
    error = _read("/proc/self/mem", what="evidence file")
    assert error.problem == "the evidence file cannot be read (Input/output error)"
    _said_everywhere(error, "errors.file.cannot_read")
    assert error.problem_in("ru") == "файл доказательств не читается (сообщение системы: «Input/output error»)"


def test_a_key_file_that_cannot_be_read_says_why_once(tmp_path):
    from senim.paths import read_secret

    fifo = tmp_path / "pseudonym.key"
    os.mkfifo(fifo)
    with pytest.raises(InputError) as raised:
        read_secret(fifo, "pseudonym key", warn=False)
    error = raised.value
    assert str(error) == (f"{fifo}: the pseudonym key cannot be read: is a FIFO (named pipe), not a regular file; "
                          "Senim reads a pseudonym key only from a regular file")
    _said_everywhere(error, "errors.file.unreadable_as")
    assert error.problem_in("kk") == ("бүркеншік ат кілті оқылмады: бұл — атаулы арна, кәдімгі файл емес; "
                                      "бүркеншік ат кілті тек кәдімгі файлдан оқылады")
    assert error.sentence_in("ru").count(str(fifo)) == 1


# Every `what` a caller gives the readers: its place among their arguments.
WHAT_ARGUMENT = {"read_bounded": 2, "open_regular": 1, "read_secret": 1, "read_key_file": 1, "_lines": 2}


def test_every_what_the_readers_are_given_is_a_catalog_word():
    import ast

    seen = set()
    for source in (ROOT / "src" / "senim").rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", None))
            if name not in WHAT_ARGUMENT:
                continue
            given = [k.value for k in node.keywords if k.arg == "what"] or node.args[WHAT_ARGUMENT[name]:][:1]
            for what in given:
                if isinstance(what, ast.Constant):  # an English noun, as registry code still gives it
                    seen.add("errors.what." + what.value.replace(" ", "_"))
                elif isinstance(what, ast.Call) and getattr(what.func, "id", None) == "Word":
                    seen.add(what.args[0].value)
    assert len(seen) >= 12, seen  # the manifest, keys, reports, evidence, model and data files, bundles...
    missing = sorted(key for key in seen if not has(key))
    assert missing == []
    for key, entry in catalog("errors").items():
        if key.startswith("errors.what."):
            assert entry["en"] == key.removeprefix("errors.what.").replace("_", " ")
            assert all(CYRILLIC.search(entry[lang]) for lang in ("kk", "ru")), key


# ------------------------------------------------------------ the evidence section


def _assess_error(tmp_path: Path, evidence: str, **options) -> InputError:
    from senim.assessment import assess

    path = tmp_path / "senim.yaml"
    path.write_text(MANIFEST + evidence, encoding="utf-8")
    with pytest.raises(InputError) as raised:
        assess(path, **options)
    return raised.value


def test_an_obligation_misspelt_is_told_with_its_closest_id(tmp_path):
    error = _assess_error(tmp_path, "  kz.users.agreemnt:\n" + STATEMENT)
    assert error.problem == "no such obligation; did you mean kz.users.agreement?"
    _said_everywhere(error, "errors.evidence.unknown_obligation")
    assert error.problem_in("ru") == "такой обязанности нет; возможно, имелась в виду «kz.users.agreement»?"
    assert error.sentence_in("kk").startswith(f"{tmp_path / 'senim.yaml'}:10: evidence.kz.users.agreemnt: мұндай міндет жоқ")


def test_an_obligation_like_none_sends_the_reader_to_the_list(tmp_path):
    error = _assess_error(tmp_path, "  zz.nothing.like.it:\n" + STATEMENT)
    assert error.problem == "no such obligation; `senim law` lists the obligations"
    _said_everywhere(error, "errors.evidence.unknown_obligation.listed")


def test_an_answer_that_is_not_yes_partly_or_no(tmp_path):
    error = _assess_error(tmp_path, "  kz.users.agreement:\n    answer: maybe\n    by: X\n    on: 2026-09-15\n")
    assert error.problem == "'maybe' is not one of yes, partly, no"
    _said_everywhere(error, "errors.evidence.bad_answer", {"maybe"})
    assert error.problem_in("kk").endswith("мыналардың бірін жазыңыз: «yes», «partly», «no»")


def test_an_evidence_path_that_does_not_exist(tmp_path):
    error = _assess_error(tmp_path, "  kz.users.agreement:\n    document: missing.pdf\n" + STATEMENT)
    assert error.problem == f"missing.pdf: no such file or folder (relative to {tmp_path})"
    _said_everywhere(error, "errors.evidence.path_missing")
    assert error.problem_in("ru") == f"«missing.pdf»: такого файла или папки нет (путь отсчитывается от папки «{tmp_path}»)"


def test_an_evidence_path_outside_the_manifest_folder(tmp_path):
    (tmp_path / "outside.pdf").write_bytes(b"%PDF-1.4\n")
    (tmp_path / "system").mkdir()
    error = _assess_error(tmp_path / "system", "  kz.users.agreement:\n    document: ../outside.pdf\n" + STATEMENT)
    assert error.problem == (f"../outside.pdf: is outside the manifest's folder ({tmp_path / 'system'}); evidence is "
                             "read only from there, unless `evidence_roots` names another folder")
    _said_everywhere(error, "errors.evidence.path_outside")
    assert "`evidence_roots`" in error.problem_in("kk")  # the CLI names it as its option, --evidence-root


def test_an_evidence_path_that_is_a_fifo(tmp_path):
    os.mkfifo(tmp_path / "plan.pdf")
    error = _assess_error(tmp_path, "  kz.users.agreement:\n    document: plan.pdf\n" + STATEMENT)
    assert error.problem == "plan.pdf: is a FIFO (named pipe), not a regular file or a folder"
    _said_everywhere(error, "errors.evidence.path_not_regular")
    assert error.problem_in("kk") == "«plan.pdf»: бұл — атаулы арна, ал кәдімгі файл да, қалта да емес"


def test_an_evidence_file_over_its_limit_is_told_at_the_manifest_line(tmp_path, monkeypatch):
    import senim.reading

    monkeypatch.setitem(senim.reading.LIMITS, "evidence_json", 1 << 10)
    (tmp_path / "fairness.json").write_text('{"check": "fairness", "result": {}, "pad": "' + "x" * 3000 + '"}')
    error = _assess_error(tmp_path, "  kz.principle.fairness_equality:\n    file: fairness.json\n")
    inner = tmp_path / "fairness.json"
    assert str(error) == (f"{tmp_path / 'senim.yaml'}:10: evidence.kz.principle.fairness_equality: "
                          f"{inner}: the file is 0.0 MB; a evidence file is at most 1 KB")
    _said_everywhere(error, "errors.evidence.in_answer")
    assert error.problem_in("kk") == f"{inner}: файлдың көлемі — 0.0 MB; дәлел файлы үшін шек — 1 KB"


# Each other problem of the evidence section, an entry that has it, and its English as it was written before.
SHAPE_CASES = {
    "errors.evidence.not_a_mapping": ("  - kz.users.agreement\n", "expected a mapping of obligation ids to answers"),
    "errors.evidence.no_answers": ("  kz.users.agreement: []\n", "the list of answers is empty"),
    "errors.evidence.answer_not_a_mapping": ("  kz.users.agreement: yes\n",
                                             "expected a mapping with one of check, file, document or answer"),
    "errors.evidence.two_shapes": ("  kz.users.agreement: {check: scan, document: a.pdf}\n",
                                   "give one of check, file or document, not check and document"),
    "errors.evidence.three_shapes": ("  kz.users.agreement: {check: scan, file: a.json, document: a.pdf}\n",
                                     "give one of check, file or document, not check and file and document"),
    "errors.evidence.no_shape": ("  kz.users.agreement: {by: X}\n", "says neither check, file, document nor answer"),
    "errors.field.not_one_of": ("  kz.users.agreement: {check: fairnes}\n",
                                "'fairnes' is not one of fairness, scan, verify, explain"),
    "errors.evidence.not_a_parameter": ("  kz.users.agreement: {check: scan, path: ., treshold: 3}\n",
                                        "is not a parameter of the scan check (it takes advisory, max_findings, path)"),
    "errors.evidence.check_needs": ("  kz.users.agreement: {check: verify}\n",
                                    "evidence.kz.users.agreement.path is missing; the verify check needs it"),
    "errors.evidence.not_a_field": ("  kz.users.agreement: {answer: yes, by: X, on: 2026-09-15, seen: 1}\n",
                                    "is not a field of a statement answer (use answer, by, note, on)"),
    "errors.evidence.answer_needs": ("  kz.users.agreement: {document: a.pdf, answer: yes, on: 2026-09-15}\n",
                                     "evidence.kz.users.agreement.by is missing; a document needs answer, by and on"),
    "errors.evidence.who": ("  kz.users.agreement: {answer: yes, by: '  ', on: 2026-09-15}\n",
                            "expected the name of who answered"),
    "errors.evidence.text": ("  kz.users.agreement: {answer: yes, by: X, on: 2026-09-15, note: 3}\n", "expected text"),
    "errors.evidence.path": ("  kz.users.agreement: {check: verify, path: ''}\n", "expected a path"),
    "errors.evidence.columns": ("  kz.users.agreement: {check: fairness, data: a.csv, target: y, prediction: p, sensitive: []}\n",
                                "expected a column name or a list of them"),
    "errors.evidence.number": ("  kz.users.agreement: {check: fairness, data: a.csv, target: y, prediction: p, sensitive: sex,"
                               " max_difference: -1}\n", "expected a number of 0 or more, got -1"),
    "errors.evidence.count": ("  kz.users.agreement: {check: scan, path: ., max_findings: 2.5}\n",
                              "expected a whole number of 0 or more, got 2.5"),
    "errors.evidence.flag": ("  kz.users.agreement: {check: scan, path: ., advisory: maybe}\n", "expected true or false"),
    "errors.field.not_a_date": ("  kz.users.agreement: {answer: yes, by: X, on: 15.09.2026}\n",
                                "'15.09.2026' is not a date written YYYY-MM-DD"),
    "errors.evidence.file_not_json": ("  kz.users.agreement: {file: broken.json}\n",
                                      "broken.json: not a readable evidence JSON file (JSONDecodeError)"),
    "errors.evidence.file_not_senim": ("  kz.users.agreement: {file: other.json}\n",
                                       "other.json: not a Senim evidence file (it needs check and result)"),
}


@pytest.mark.parametrize("key", sorted(SHAPE_CASES))
def test_each_problem_of_an_answer_is_said_in_kazakh_and_russian(tmp_path, key):
    import yaml

    from tests.i18n.i18n_scan import data_values

    evidence, english = SHAPE_CASES[key]
    for name in ("a.pdf", "a.csv", "a.json"):
        (tmp_path / name).write_text("{}")
    (tmp_path / "broken.json").write_text("{not json")
    (tmp_path / "other.json").write_text('{"check": "scan"}')
    error = _assess_error(tmp_path, evidence)
    said = error.values.get("error", error)  # an evidence file's own error, told at the line that names it
    assert said.key == key, (said.key, str(error))
    assert error.problem == english
    _said_everywhere(said, key, data_values(yaml.safe_load(evidence)))
    _said_everywhere(error, error.key, data_values(yaml.safe_load(evidence)))


def test_english_sentences_are_those_of_before():
    """Programs and the tests have read these since the evidence section came."""
    from senim.reading import kind_of

    assert [kind_of(m) for m in (0o100644, 0o040755, 0o010644, 0o020644, 0o140755)] == \
        [None, "a folder", "a FIFO (named pipe)", "a device", "a socket"]
    error = InputError.said("errors.file.not_regular", file="x.key", kind=Word("errors.file.kind.device"),
                            what=Word("errors.what.file"))
    assert str(error) == "x.key: is a device, not a regular file; Senim reads a file only from a regular file"


# ------------------------------------------------------------ the command line


def _senim(*args: object, home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "SENIM_HOME": str(home)}
    env.pop("SENIM_DB", None)
    return subprocess.run([str(SENIM), *map(str, args)], capture_output=True, text=True, env=env, timeout=120)


def test_assess_tells_a_missing_evidence_file_in_kazakh(tmp_path):
    path = tmp_path / "senim.yaml"
    path.write_text(MANIFEST + "  kz.users.agreement:\n    document: risk-plan.pdf\n" + STATEMENT, encoding="utf-8")
    kazakh = _senim("assess", path, "--no-db", "--lang", "kk", home=tmp_path / "home")
    english = _senim("assess", path, "--no-db", home=tmp_path / "home")
    assert kazakh.returncode == english.returncode == 2
    assert "Traceback" not in kazakh.stderr and kazakh.stdout == ""
    assert english.stderr == (f"senim: {path}:11: evidence.kz.users.agreement.document: risk-plan.pdf: "
                              f"no such file or folder (relative to {tmp_path})\n")
    line = kazakh.stderr.strip()
    assert line.count("\n") == 0
    assert line.startswith(f"senim: {path}:11: evidence.kz.users.agreement.document: «risk-plan.pdf»: ")
    problem = line.split("«risk-plan.pdf»: ", 1)[1]
    assert problem == f"мұндай файл немесе қалта жоқ (жол «{tmp_path}» қалтасынан бастап есептеледі)"
    assert CYRILLIC.search(problem) and findings(problem) == []


def test_assess_names_the_option_in_russian(tmp_path):
    (tmp_path / "system").mkdir()
    (tmp_path / "plan.pdf").write_bytes(b"%PDF-1.4\n")
    path = tmp_path / "system" / "senim.yaml"
    path.write_text(MANIFEST + "  kz.users.agreement:\n    document: ../plan.pdf\n" + STATEMENT, encoding="utf-8")
    russian = _senim("assess", path, "--no-db", "--lang=ru", home=tmp_path / "home")
    assert russian.returncode == 2 and "Traceback" not in russian.stderr
    assert "лежит вне папки манифеста" in russian.stderr and "если в --evidence-root не указана другая папка" in russian.stderr
    assert "evidence_roots" not in russian.stderr
