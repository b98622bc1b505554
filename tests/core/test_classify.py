"""`senim classify` and friends as users call them; the JSON against its contract."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from senim.law.engine import classify
from senim.manifest import load_manifest
from tests.conftest import run_senim

ROOT = Path(__file__).resolve().parents[2]
OUTPUT_SCHEMA = json.loads((ROOT / "src/senim/schemas/classification.schema.json").read_text())
EXAMPLES = sorted(ROOT.glob("examples/*/senim.yaml"))
DATES = ["2024-07-01", "2025-02-02", "2026-01-17", "2026-01-18", "2026-08-02", "2027-08-02"]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.parent.name)
@pytest.mark.parametrize("on", DATES)
def test_output_validates_against_the_classification_schema(path, on):
    from datetime import date

    result = classify(load_manifest(path), date.fromisoformat(on))
    jsonschema.Draft202012Validator(OUTPUT_SCHEMA, format_checker=jsonschema.FormatChecker()).validate(result)


def test_one_manifest_gives_an_object_several_an_array_in_order():
    one = run_senim("classify", EXAMPLES[0], "--format", "json", "--as-of", "2026-11-26")
    assert one.returncode == 0, one.stderr
    single = json.loads(one.stdout)
    assert isinstance(single, dict)
    jsonschema.validate(single, OUTPUT_SCHEMA)
    paths = [EXAMPLES[3], EXAMPLES[0], EXAMPLES[1]]
    many = run_senim("classify", *paths, "--format", "json", "--as-of", "2026-11-26")
    assert many.returncode == 0, many.stderr
    results = json.loads(many.stdout)
    assert [r["system"] for r in results] == [load_manifest(p).id for p in paths]
    for result in results:
        jsonschema.validate(result, OUTPUT_SCHEMA)


def test_credit_scoring_as_the_spec_says():
    result = json.loads(run_senim("classify", "examples/credit-scoring", "--format", "json", "--as-of", "2026-11-26").stdout)
    assert (result["kz"]["risk"], result["kz"]["autonomy"], result["kz"]["prohibited"], result["kz"]["synthetic_results"]) \
        == ("medium", "medium", [], False)
    assert result["eu"]["applies"] is False
    assert result["law_versions"] == {"kz": "2026-01-18", "eu": "2024-08-01"}
    risk = next(step for step in result["trace"] if step["rule"] == "kz.risk.medium")
    assert risk["ref"] == "KZ AI Law Art. 17(1)"
    assert risk["because"] == "what a failure can cause: moral or material harm"  # the fact in words, not its code


def test_text_report_puts_the_verdict_first_then_why_then_what_to_do():
    out = run_senim("classify", "examples/grid-optimiser/senim.yaml", "--as-of", "2026-11-26").stdout.decode()
    lines = [l for l in out.splitlines() if l.strip()]
    assert "Grid dispatch optimiser" in lines[0]
    assert "high risk · high autonomy" in lines[1] and "no law permits its high autonomy" in lines[1]
    why, todo = out.index("Why"), out.index("What to do")
    assert why < todo
    assert "Operate a high-autonomy system only where a law permits it" in out[todo:]


@pytest.mark.parametrize("lang, words", [
    ("kk", ["Неліктен", "Не істеу керек", "тәуекел: жоғары", "Тәуекелдің жоғары деңгейі"]),
    ("ru", ["Почему", "Что нужно сделать", "риск: высокий", "Высокая степень риска"]),
    ("en", ["Why", "What to do", "high risk", "High risk"]),
])
def test_lang_switches_every_sentence(lang, words):
    out = run_senim("classify", "examples/hospital-triage/senim.yaml", "--lang", lang, "--as-of", "2026-11-26").stdout.decode()
    for word in words:
        assert word in out
    if lang != "en":
        for english in ("Why", "What to do", "A breach risks", "applies to every system", "includes"):
            assert english not in out


def test_markdown_report():
    out = run_senim("classify", "examples/deepfake-video/senim.yaml", "--format", "markdown", "--as-of", "2026-11-26").stdout.decode()
    assert out.startswith("# Face swap studio (`face-swap-studio`)")
    assert "| # | Obligation | Citation | From | Confidence |" in out
    assert "Mark synthetic results in machine-readable form" in out


def test_obligations_with_fines_in_mrp_and_tenge():
    result = run_senim("obligations", "examples/deepfake-video/senim.yaml", "--format", "json", "--as-of", "2026-11-26")
    assert result.returncode == 0, result.stderr
    owed = {o["id"]: o for o in json.loads(result.stdout)["kz"]["obligations"]}
    fine = owed["kz.synthetic.visible_warning"]["fine"]
    # CoAO Art. 641-1, small business: 20 MRP, 50 if repeated; MRP 2026 = 4,325 KZT
    assert fine["amounts"] == {"small": {"first": 20, "repeat": 50, "unit": "MRP", "first_kzt": 86500, "repeat_kzt": 216250}}
    assert owed["kz.synthetic.visible_warning"]["role"] == "owner"


def test_obligations_list_coming_duties_with_their_date():
    result = json.loads(run_senim("obligations", "examples/support-chatbot", "--format", "json", "--as-of", "2026-05-01").stdout)
    coming = {o["id"]: o["applies_from"] for o in result["eu"]["upcoming_obligations"]}
    assert coming["eu.art50_1.disclose_interaction"] == "2026-08-02"
    assert "eu.art4.ai_literacy" in {o["id"] for o in result["eu"]["obligations"]}


def test_law_diff_around_general_application():
    result = run_senim("law", "diff", "--from", "2026-08-01", "--to", "2026-08-02", "examples/support-chatbot/senim.yaml", "--format", "json")
    assert result.returncode == 0, result.stderr
    diff = json.loads(result.stdout)
    assert {o["id"] for o in diff["eu"]["added"]} == {"eu.art50_1.disclose_interaction", "eu.art50_2.machine_readable_marking"}
    assert diff["kz"]["added"] == [] and diff["eu"]["removed"] == []
    text = run_senim("law", "diff", "--from", "2026-08-01", "--to", "2026-08-02").stdout.decode()
    assert "Art. 50(1)" in text and "Art. 9" in text


def test_law_diff_with_dates_reversed_is_bad_input():
    result = run_senim("law", "diff", "--from", "2026-08-02", "--to", "2026-01-01")
    assert result.returncode == 2
    assert "before" in result.stderr.decode()


def test_law_show_article():
    out = run_senim("law", "show", "kz", "21").stdout.decode()
    assert "Transparency in the use of AI systems" in out
    assert "kz.synthetic.machine_readable_mark" in out
    data = json.loads(run_senim("law", "show", "eu:50", "--format", "json").stdout)
    assert {r["id"] for r in data[0]["rules"]} >= {"eu.transparency.art50_1", "eu.art50_2.machine_readable_marking"}
    overview = json.loads(run_senim("law", "show", "--format", "json").stdout)
    assert [p["pack"] for p in overview] == ["kz", "eu"]
    unknown = run_senim("law", "show", "999")
    assert unknown.returncode == 2 and "no rule cites article '999'" in unknown.stderr.decode()
