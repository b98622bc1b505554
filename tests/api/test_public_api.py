"""The public API (`senim.classify`, `senim.fairness`, ...): what it accepts, what it gives, how it fails.

Expected values come from elsewhere than the function under test: the CLI's
JSON (another door over other code paths), Fairlearn, the JSON schema, the
invalid-manifest table of tests/core, check digits worked by hand.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
import yaml

import senim
from senim.errors import InputError, ParameterError

ROOT = Path(__file__).resolve().parents[2]
CREDIT = ROOT / "examples" / "credit-scoring"
MANIFEST = CREDIT / "senim.yaml"
DECISIONS = CREDIT / "decisions.parquet"
ON = "2026-09-01"
IIN = "061211600012"  # valid: check digit worked by hand in tests/personal_data (Decree No. 406)


def cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    from tests.conftest import run_senim

    return run_senim(*args, cwd=cwd)


def test_import_senim_loads_nothing_else():
    code = ("import sys; before = set(sys.modules); import senim; "
            "print(sorted(set(sys.modules) - before), senim.__version__)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split(" ")[0] == "['senim']", done.stdout


def test_every_public_name_resolves_and_unknown_ones_do_not():
    for name in senim.__all__:
        assert getattr(senim, name) is not None
    assert set(senim.__all__) <= set(dir(senim))
    assert senim.law.engine.classify  # a subpackage is reached as an attribute
    with pytest.raises(AttributeError):
        senim.no_such_thing  # noqa: B018


# ----------------------------------------------------------------- classify


@pytest.fixture(scope="module")
def classified():
    return senim.classify(MANIFEST, as_of=ON)


def test_classify_gives_the_json_the_cli_prints_and_the_schema_allows(classified):
    import jsonschema

    printed = cli("classify", str(MANIFEST), "--as-of", ON, "--format", "json")
    assert printed.returncode == 0, printed.stderr
    assert classified.to_dict() == json.loads(printed.stdout)
    schema = json.loads((ROOT / "src" / "senim" / "schemas" / "classification.schema.json").read_text())
    jsonschema.validate(classified.to_dict(), schema)
    owed = json.loads(cli("obligations", str(MANIFEST), "--as-of", ON, "--format", "json").stdout)
    assert [o["id"] for o in classified.obligations] == [o["id"] for law in ("kz", "eu")
                                                         for o in owed[law]["obligations"]]
    assert classified.upcoming_obligations == [{"law": law, **o} for law in ("kz", "eu")
                                               for o in owed[law]["upcoming_obligations"]]


def test_a_path_a_folder_a_mapping_and_text_give_one_result(classified):
    text = MANIFEST.read_text(encoding="utf-8")
    as_json = json.dumps(yaml.safe_load(text), default=str)
    for given in (str(MANIFEST), CREDIT, yaml.safe_load(text), text, text.encode(), as_json):
        assert senim.classify(given, as_of=ON).to_dict() == classified.to_dict(), type(given)
    from datetime import date

    assert senim.classify(MANIFEST, as_of=date(2026, 9, 1)).to_dict() == classified.to_dict()


def test_a_mapping_reads_as_the_same_facts_in_a_file_do(tmp_path):
    """YAML 1.1 reads 3e25 as text: in a file Senim reads the number meant; a mapping too."""
    facts = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    facts["gpai"] = {"training_compute_flops": "3e25"}
    path = tmp_path / "senim.yaml"
    path.write_text(yaml.safe_dump(facts, allow_unicode=True), encoding="utf-8")
    assert senim.classify(facts, as_of=ON).to_dict() == senim.classify(path, as_of=ON).to_dict()


def test_a_bad_bin_in_a_mapping_is_an_input_error_at_owner_bin():
    facts = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    facts["owner"]["bin"] = "940140000386"  # check digit of 94014000038 is 5 (worked in tests/core)
    with pytest.raises(InputError) as caught:
        senim.classify(facts)
    assert caught.value.field == "owner.bin"
    assert caught.value.problem == "940140000386 fails the BIN check digit"
    assert caught.value.line is None  # a mapping has no lines
    facts["owner"]["bin"] = 940140000385
    with pytest.raises(InputError) as caught:
        senim.classify(facts)
    assert caught.value.field == "owner.bin" and "write it in quotes" in caught.value.problem


def _expected():
    from tests.core.test_invalid_manifests import EXPECTED, INVALID

    return EXPECTED, INVALID


@pytest.mark.parametrize("name", sorted(_expected()[0]))
def test_every_broken_manifest_says_its_line_and_field(name):
    expected, folder = _expected()
    line, words = expected[name]
    with pytest.raises(InputError) as caught:
        senim.classify(folder / name)
    error = caught.value
    assert error.file == str(folder / name) and error.line == line
    assert words in str(error)
    head = words.split(":")[0].split(" ")[0]
    if words.startswith(head + ":") and "." in head or words.startswith(head + ": ") and head.isidentifier():
        assert error.field == head, (error.field, words)
    if " is missing" in words:
        assert error.field == words.split(" is missing")[0]


def test_wrong_kinds_of_values_are_parameter_errors_naming_the_parameter():
    cases = [
        (lambda: senim.classify(42), "manifest"),
        (lambda: senim.classify(MANIFEST, as_of="tomorrow"), "as_of"),
        (lambda: senim.classify(MANIFEST, lang="fr"), "lang"),
        (lambda: senim.assess(MANIFEST, run_checks="yes"), "run_checks"),
        (lambda: senim.fairness(42, target="y", prediction="p", sensitive="s"), "data"),
        (lambda: senim.fairness(DECISIONS, target="repaid", prediction="approved", sensitive=[]), "sensitive"),
        (lambda: senim.fairness(DECISIONS, target="repaid", prediction="approved", sensitive="sex",
                                bootstrap=-1), "bootstrap"),
        (lambda: senim.fairness(DECISIONS, target=None, prediction="approved", sensitive="sex"), "target"),
        (lambda: list(senim.scan(3.5)), "source"),
        (lambda: list(senim.scan("x", types=["ssn"])), "types"),
        (lambda: senim.verify(DECISIONS, trust_anchors=ROOT / "nowhere.pem"), "trust_anchors"),
        (lambda: senim.open_registry(42), "url"),
    ]
    for call, parameter in cases:
        with pytest.raises(ParameterError) as caught:
            call()
        assert caught.value.field == parameter, (parameter, caught.value)
        assert "--" not in str(caught.value)  # parameters, not options


def test_the_cli_names_a_parameter_as_its_option():
    from senim.cli.app import message

    error = ParameterError("-1 is negative", field="bootstrap")
    assert str(error) == "bootstrap: -1 is negative"
    assert message(error) == "--bootstrap: -1 is negative"
    in_sentence = InputError("make 9 groups, more than `max_groups` 5", file="log.csv")
    assert message(in_sentence) == "log.csv: make 9 groups, more than --max-groups 5"
    assert message(ParameterError("'x' is not registered", file="incident new", field="systems")) == \
        "incident new: --system: 'x' is not registered"


def test_an_input_error_keeps_its_parts_through_pickling():
    import pickle

    error = InputError("fails the BIN check digit", file="senim.yaml", line=4, field="owner.bin")
    again = pickle.loads(pickle.dumps(error))
    assert (again.file, again.line, again.field, again.problem, str(again)) == \
        ("senim.yaml", 4, "owner.bin", "fails the BIN check digit", "senim.yaml:4: owner.bin: fails the BIN check digit")


# ----------------------------------------------------------------- assess


def test_assess_gives_the_report_the_cli_prints(tmp_path):
    report = senim.assess(MANIFEST, as_of=ON)
    printed = cli("assess", str(MANIFEST), "--as-of", ON, "--format", "json")
    assert printed.returncode == report.exit_code == 0, printed.stderr
    cli_json = json.loads(printed.stdout)
    mine = report.to_dict()
    for key in ("generated", "signature"):
        cli_json.pop(key, None)
        mine.pop(key, None)
    assert mine == cli_json
    from senim.report import FORMATS

    assert report.render("markdown") == FORMATS["markdown"].render(report.to_dict(), str(MANIFEST))


# ----------------------------------------------------------------- fairness


@pytest.fixture(scope="module")
def fairness_cli():
    done = cli("fairness", str(DECISIONS), "--target", "repaid", "--prediction", "approved", "--sensitive",
               "sex,age_band", "--score", "score", "--bootstrap", "200", "--max-difference", "0.05",
               "--format", "json")
    assert done.returncode == 1, done.stderr  # the gate fails at 0.05
    return json.loads(done.stdout)


@pytest.mark.parametrize("kind", ["path", "folder", "polars", "lazy", "pandas", "arrow"])
def test_fairness_of_any_table_is_the_cli_s(kind, fairness_cli, tmp_path):
    frame = pl.read_parquet(DECISIONS)
    if kind == "folder":
        (tmp_path / "log").mkdir()
        frame.slice(0, 700).write_parquet(tmp_path / "log" / "a.parquet")
        frame.slice(700).write_parquet(tmp_path / "log" / "b.parquet")
    data = {"path": DECISIONS, "folder": tmp_path / "log", "polars": frame, "lazy": frame.lazy(),
            "pandas": frame.to_pandas(), "arrow": frame.to_arrow()}[kind]
    result = senim.fairness(data, target="repaid", prediction="approved", sensitive=["sex", "age_band"],
                            score="score", bootstrap=200, max_difference=0.05)
    assert result.to_dict() == fairness_cli
    assert result.verdict == "fail" and not result.passed and result.failed_checks
    assert result.evidence["verdict"] == "fail" and result.evidence["result"] == fairness_cli


def test_fairness_numbers_are_fairlearn_s():
    from fairlearn.metrics import MetricFrame, equalized_odds_difference, selection_rate

    frame = pl.read_parquet(DECISIONS).to_pandas()
    result = senim.fairness(frame, target="repaid", prediction="approved", sensitive="region", bootstrap=0)
    by = MetricFrame(metrics=selection_rate, y_true=frame["repaid"], y_pred=frame["approved"],
                     sensitive_features=frame["region"]).by_group
    assert {g["group"]["region"]: g["selection_rate"] for g in result.groups} == pytest.approx(by.to_dict())
    assert result.disparities["equalized_odds_difference"] == pytest.approx(
        equalized_odds_difference(frame["repaid"], frame["approved"], sensitive_features=frame["region"]))
    assert result.intervals["disparities"] is None  # no bootstrap, no intervals


def test_a_table_in_memory_is_named_data_and_its_digest_is_stable():
    frame = pl.read_parquet(DECISIONS)
    with pytest.raises(InputError) as caught:
        senim.fairness(frame, target="repaid", prediction="approved", sensitive="gender")
    assert str(caught.value).startswith("data: no column 'gender'")
    one = senim.fairness(frame, target="repaid", prediction="approved", sensitive="sex", bootstrap=0)
    two = senim.fairness(frame.to_pandas(), target="repaid", prediction="approved", sensitive="sex", bootstrap=0)
    assert one.evidence["inputs"] == two.evidence["inputs"]
    changed = frame.with_columns(pl.when(pl.int_range(pl.len()) == 0).then(1 - pl.col("approved"))
                                 .otherwise(pl.col("approved")).alias("approved"))
    three = senim.fairness(changed, target="repaid", prediction="approved", sensitive="sex", bootstrap=0)
    assert three.evidence["inputs"]["data"]["sha256"] != one.evidence["inputs"]["data"]["sha256"]
    with pytest.raises(ParameterError) as caught:
        senim.fairness(frame, target="repaid", prediction="approved", sensitive="sex", workers=2)
    assert caught.value.field == "workers"


# ----------------------------------------------------------------- scan


def test_scan_text_bytes_streams_files_and_tables_alike(tmp_path):
    text = f"Клиент ИИН {IIN}, e-mail aigerim.n@example.kz\nтел. +7 701 234 56 78\n"
    path = tmp_path / "notes.txt"
    path.write_text(text, encoding="utf-8")
    places = lambda found: [(f.line, f.start, f.end, f.type, f.value) for f in found]  # noqa: E731
    from_file = list(senim.scan(path))
    assert [f.type for f in from_file] == ["kz_iin", "email", "phone"]
    assert from_file[0].start == text.index(IIN) and from_file[0].end == text.index(IIN) + 12
    assert from_file[0].value == "**********12"  # masked unless asked (issue 16: no birth date in the mask)
    for given in (text, text.encode(), io.BytesIO(text.encode()), [path]):
        assert places(senim.scan(given)) == places(from_file)
    shown = list(senim.scan(text, show_values=True, types="kz_iin"))
    assert [f.value for f in shown] == [IIN]
    table = pl.DataFrame({"name": ["a", "b"], "note": ["нет", f"ИИН {IIN}"]})
    cells = list(senim.scan(table))
    assert [(f.row, f.column, f.type) for f in cells] == [(2, "note", "kz_iin")]
    assert [(f.row, f.column) for f in senim.scan(table.to_pandas())] == [(2, "note")]


def test_redact_writes_a_masked_copy(tmp_path):
    source = tmp_path / "in.txt"
    source.write_text(f"ИИН {IIN}\n", encoding="utf-8")
    assert senim.redact(source, tmp_path / "out.txt") == 1
    assert IIN not in (tmp_path / "out.txt").read_text(encoding="utf-8")
    with pytest.raises(ParameterError) as caught:
        senim.redact(source, source)
    assert caught.value.field == "output"
    with pytest.raises(ParameterError) as caught:
        senim.redact(source, tmp_path / "p.txt", mode="pseudonym", key=b"short")
    assert caught.value.field == "key"


# ----------------------------------------------------------------- provenance


def test_verify_bytes_as_the_file(tmp_path):
    with senim.Settings(home=tmp_path / "home").active():
        done = senim.label(ROOT / "examples" / "deepfake-video" / "media" / "statement.html",
                           tmp_path / "statement.html", lang="ru")
    assert done.output == str(tmp_path / "statement.html") and "c2pa" in done.marks
    from_file = senim.verify(tmp_path / "statement.html").to_dict()
    from_bytes = senim.verify((tmp_path / "statement.html").read_bytes(), name="statement.html").to_dict()
    # bytes have no C2PA sidecar beside them: the marks in the file itself are read alike
    assert from_bytes["labelled"] == from_file["labelled"] is True
    in_file = [m["kind"] for m in from_file["marks"] if m["kind"] not in ("c2pa", "declared-warning")]
    assert [m["kind"] for m in from_bytes["marks"]] == in_file == ["html-meta", "visible-text"]
    audit = senim.verify(tmp_path)
    assert audit.summary["labelled_valid"] == [str(tmp_path / "statement.html")]
    assert audit.verdict == "pass"
    with pytest.raises(InputError) as caught:
        senim.verify(b"")
    assert str(caught.value) == "<bytes>: the content is empty"


# ----------------------------------------------------------------- evidence


EVIDENCE_KEYS = {"evidence_format", "check", "created", "inputs", "parameters", "versions", "verdict", "result"}


def test_every_check_gives_its_evidence_in_one_shape(tmp_path):
    fair = senim.fairness(DECISIONS, target="repaid", prediction="approved", sensitive="sex", bootstrap=0)
    why = senim.explain(CREDIT / "model.skops", CREDIT / "applicants.csv", repeats=1)
    seen = senim.verify(ROOT / "examples" / "deepfake-video" / "media" / "post.md")
    for run, check in ((fair, "fairness"), (why, "explain"), (seen, "provenance.verify")):
        assert set(run.evidence) == EVIDENCE_KEYS and run.evidence["check"] == check
        assert run.evidence["result"] == run.to_dict()
        assert run.evidence["verdict"] == run.verdict
        for entry in run.evidence["inputs"].values():
            assert len(entry["sha256"]) == 64
    import hashlib

    assert fair.evidence["inputs"]["data"] == {"path": str(DECISIONS),
                                               "sha256": hashlib.sha256(DECISIONS.read_bytes()).hexdigest()}
    assert seen.verdict == "fail"  # the example's media are not labelled until `senim label`


def test_a_folder_with_an_unreadable_file_fails_its_audit(tmp_path):
    (tmp_path / "fake.png").write_bytes(b"hello, not a picture")  # its name lies: it cannot be examined
    audit = senim.verify(tmp_path)
    assert audit.summary["unreadable"] == [f"{tmp_path / 'fake.png'}: byte 0: the name says PNG but the content "
                                           "looks like text"]
    assert audit.verdict == "fail"  # as `senim verify --report` exits 1
    empty = tmp_path / "empty"
    empty.mkdir()
    assert senim.verify(empty).verdict is None  # nothing to check is not a pass
