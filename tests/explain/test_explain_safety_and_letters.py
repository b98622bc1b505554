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
    "en": {"positive": "approved", "negative": "declined", "law": "Article 16", "income": "monthly income",
           "data": "used these data"},
    "ru": {"positive": "одобрена", "negative": "отклонена", "law": "статьёй 16", "income": "ежемесячный доход",
           "data": "данных о вас"},
    "kk": {"positive": "мақұлданды", "negative": "қабылданбады", "law": "16-бабына", "income": "айлық табыс",
           "data": "деректерге негізделді"},
}


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_letter_says_decision_reasons_and_data(example_model, lang):
    from senim.checks.explain import explain

    data = pd.read_csv(DATA)
    decided = example_model.predict(data[list(example_model.feature_names_in_)])
    approved = data["application_id"][decided == 1].iloc[0]
    declined = data["application_id"][decided == 0].iloc[0]
    words = LETTER_WORDS[lang]
    result = explain(MODEL, DATA, rows=[approved, declined], lang=lang, repeats=1)
    for decision, outcome, other in zip(result["decisions"], ("positive", "negative"), ("negative", "positive")):
        letter = decision["letter"]
        assert decision["row"] in letter
        assert words[outcome] in letter and words[other] not in letter
        assert words["law"] in letter and words["data"] in letter
        assert words["income"] in letter  # every feature the model used is listed
        assert letter.count("\n  - ") == 3  # the three main reasons
        if lang == "en":  # the reasons are those that pushed towards the outcome reached
            pushed = [c for c in decision["contributions"]
                      if (c["contribution"] > 0) == (outcome == "positive")]
            wording = "in favour of" if outcome == "positive" else "against"
            assert letter.count(f"counted {wording} approval") == min(3, len(pushed))


def test_cli_prints_the_letter(tmp_path):
    out = run_senim("explain", MODEL, DATA, "--row", "A104500", "--lang", "kk", "--repeats", "2")
    assert out.returncode == 0, out.stderr
    assert "Хат" in out.stdout and "16-бабына" in out.stdout and "shap.TreeExplainer" in out.stdout


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
