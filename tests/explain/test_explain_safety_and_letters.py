"""Loading models safely, the letter in three languages, bad input, the example's reproducibility."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys

import joblib
import pandas as pd
import polars as pl
import pytest
import skops.io as sio
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier

from tests.explain.explain_helpers import EXAMPLE, ROOT, run_senim, small_table

FEATURES = ["income", "debt", "noise"]
MODEL, DATA = EXAMPLE / "model.skops", EXAMPLE / "applicants.csv"


@pytest.fixture(scope="module")
def example_model():
    return sio.load(MODEL, trusted=sio.get_untrusted_types(file=MODEL))


def _one_line_exit_2(out) -> str:
    assert out.returncode == 2, out.stderr
    assert "Traceback" not in out.stderr and out.stdout == ""
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("senim: ")
    return lines[0]


def test_pickle_is_refused_unless_trusted(tmp_path):
    frame, y = small_table()
    joblib.dump(LogisticRegression().fit(frame[FEATURES], y), tmp_path / "model.joblib")
    frame.to_csv(tmp_path / "rows.csv", index=False)
    message = _one_line_exit_2(run_senim("explain", tmp_path / "model.joblib", tmp_path / "rows.csv", "--row", "R1"))
    assert "runs any code" in message and "--trust-model" in message and "skops" in message
    trusted = run_senim("explain", tmp_path / "model.joblib", tmp_path / "rows.csv", "--row", "R1", "--trust-model",
                        "--format", "json")
    assert trusted.returncode == 0, trusted.stderr
    assert json.loads(trusted.stdout)["decisions"][0]["row"] == "R1"


def test_skops_with_unreviewed_types_is_refused_unless_trusted(tmp_path):
    frame, y = small_table()
    sio.dump(MLPClassifier(hidden_layer_sizes=(4,), max_iter=300, random_state=0).fit(frame[FEATURES], y),
             tmp_path / "mlp.skops")
    frame.to_csv(tmp_path / "rows.csv", index=False)
    message = _one_line_exit_2(run_senim("explain", tmp_path / "mlp.skops", tmp_path / "rows.csv"))
    assert "AdamOptimizer" in message
    assert run_senim("explain", tmp_path / "mlp.skops", tmp_path / "rows.csv", "--trust-model").returncode == 0


def test_a_damaged_skops_file_is_bad_input(tmp_path):
    damaged = tmp_path / "model.skops"
    damaged.write_bytes(MODEL.read_bytes()[:5000])
    _one_line_exit_2(run_senim("explain", damaged, DATA))


@pytest.mark.parametrize("case", ["unknown_row", "missing_feature", "row_and_rows", "empty_data"])
def test_bad_input(tmp_path, case):
    if case == "unknown_row":
        out = run_senim("explain", MODEL, DATA, "--row", "NOBODY")
        assert "NOBODY" in _one_line_exit_2(out)
    elif case == "missing_feature":
        pd.read_csv(DATA).drop(columns=["late_payments"]).to_csv(tmp_path / "less.csv", index=False)
        assert "late_payments" in _one_line_exit_2(run_senim("explain", MODEL, tmp_path / "less.csv"))
    elif case == "row_and_rows":
        (tmp_path / "ids.txt").write_text("A104500\n")
        _one_line_exit_2(run_senim("explain", MODEL, DATA, "--row", "A104500", "--rows", tmp_path / "ids.txt"))
    else:
        (tmp_path / "empty.csv").write_text("")
        assert "empty" in _one_line_exit_2(run_senim("explain", MODEL, tmp_path / "empty.csv"))


LETTER_WORDS = {
    "en": {"positive": "approved", "negative": "declined", "law": "Art. 16", "income": "your monthly income",
           "data": "used these data", "owner": "Example Bank JSC", "object": "Art. 19-1"},
    "ru": {"positive": "одобрена", "negative": "отклонена", "law": "ст. 16", "income": "ваш ежемесячный доход",
           "data": "данных о вас", "owner": "Example Bank JSC", "object": "ст. 19-1"},
    "kk": {"positive": "мақұлданды", "negative": "қабылданбады", "law": "16-бабы", "income": "айлық табысыңыз",
           "data": "деректерге негізделді", "owner": "Example Bank JSC", "object": "19-1-бабы"},
}
CAN_DO = {"en": "What you can do:", "ru": "Что вы можете сделать:", "kk": "Сіз не істей аласыз:"}


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_letter_says_decision_reasons_and_data(example_model, lang):
    from senim.checks.explain import explain

    data = pd.read_csv(DATA)
    decided = example_model.predict(data[list(example_model.feature_names_in_)])
    approved = data["application_id"][decided == 1].iloc[0]
    declined = data["application_id"][decided == 0].iloc[0]
    words = LETTER_WORDS[lang]
    from senim.checks.explain.letter import Context
    from senim.manifest import load_manifest

    context = Context(manifest=load_manifest(MODEL.parent / "senim.yaml").data)
    result = explain(MODEL, DATA, rows=[approved, declined], lang=lang, repeats=1, context=context)
    for decision, outcome, other in zip(result["decisions"], ("positive", "negative"), ("negative", "positive")):
        letter = decision["letter"]
        assert decision["row"] in letter
        assert words[outcome] in letter and words[other] not in letter
        assert words["law"] in letter and words["data"] in letter and words["object"] in letter
        assert words["income"] in letter and words["owner"] in letter  # every feature the model used is listed
        reasons = letter.split(CAN_DO[lang])[0]
        assert reasons.count("\n  - ") == 3  # the three main reasons
        for column in decision["contributions"]:  # feature names in words, never the column
            assert "_" not in column["feature"] or column["feature"] not in letter
        if lang == "en":  # the reasons are those that pushed towards the outcome reached
            pushed = [c for c in decision["contributions"]
                      if (c["contribution"] > 0) == (outcome == "positive")]
            wording = "in favour of" if outcome == "positive" else "against"
            assert letter.count(f"counted {wording} approval") == min(3, len(pushed))


def test_cli_prints_the_letter(tmp_path):
    out = run_senim("explain", MODEL, DATA, "--row", "A104500", "--lang", "kk", "--repeats", "2")
    assert out.returncode == 0, out.stderr
    assert "Хат" in out.stdout and "16-бабы" in out.stdout and "shap.TreeExplainer" in out.stdout


def test_evidence_of_an_explanation(tmp_path):
    evidence = tmp_path / "explain.json"
    out = run_senim("explain", MODEL, DATA, "--row", "A104500", "--evidence", evidence, "--repeats", "2")
    assert out.returncode == 0, out.stderr
    record = json.loads(evidence.read_text())
    assert record["inputs"]["model"]["sha256"] == hashlib.sha256(MODEL.read_bytes()).hexdigest()
    assert record["inputs"]["data"]["sha256"] == hashlib.sha256(DATA.read_bytes()).hexdigest()
    assert record["parameters"]["rows"] == ["A104500"] and "shap" in record["versions"]


def test_example_is_reproduced_by_its_training_script(tmp_path):
    subprocess.run([sys.executable, str(EXAMPLE / "train.py"), "--out", str(tmp_path)], check=True,
                   capture_output=True, cwd=ROOT, timeout=120)
    assert pl.read_parquet(tmp_path / "decisions.parquet").equals(pl.read_parquet(EXAMPLE / "decisions.parquet"))
    assert (tmp_path / "applicants.csv").read_bytes() == DATA.read_bytes()


def test_no_letter_without_a_label_table_and_an_incomplete_one_is_refused(tmp_path):
    import shutil

    shutil.copy(MODEL, tmp_path / "model.skops")  # no model.labels.yaml beside this copy
    out = run_senim("explain", tmp_path / "model.skops", DATA, "--row", "A104500", "--repeats", "1")
    assert out.returncode == 0 and "No letter written" in out.stderr and "Dear applicant" not in out.stdout
    (tmp_path / "model.labels.yaml").write_text(
        "features:\n  age: {label: {kk: жасыңыз, ru: ваш возраст, en: your age}, unit: years}\n", encoding="utf-8")
    out = run_senim("explain", tmp_path / "model.skops", DATA, "--row", "A104500", "--repeats", "1")
    assert out.returncode == 2 and "no label for monthly_income" in out.stderr and "Traceback" not in out.stderr


def test_cli_letter_has_local_time_units_and_a_sensitive_warning(tmp_path):
    import pandas as pd

    data = pd.read_csv(DATA)
    row = data[data["region"] == "Shymkent"]["application_id"].iloc[:12].tolist()
    ids = tmp_path / "rows.txt"
    ids.write_text("\n".join(row) + "\n")
    out = run_senim("explain", MODEL, DATA, "--rows", ids, "--repeats", "1", "--decided-at", "2026-11-20T05:15:00Z")
    assert out.returncode == 0, out.stderr
    text = out.stdout.replace("\u00a0", " ").replace("\u202f", " ")
    assert "20 November 2026, 10:15 (UTC+5)" in text  # 05:15 UTC in Kazakhstan's time
    assert "thousand ₸" in text and " years" in text
    letters = text.split("Dear applicant,")[1:]
    flagged = [line for line in out.stderr.splitlines() if "sensitive attribute" in line]
    with_region = [l for l in letters if "the region you live in: Shymkent —" in l]
    assert with_region and len(flagged) == len(with_region)  # one warning for each letter giving the region as a reason
    assert all("fairness and equality" in line for line in flagged)
