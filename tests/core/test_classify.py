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
EU_CREDIT_MANIFEST = ROOT / "tests/core/fixtures/eu-credit-scoring.yaml"
# Each date where the law changes: EU entry into force, Arts. 4-5, KZ entry into force, Regulation
# (EU) 2026/1744 in force, general application, its new prohibitions and the end of the Art. 50(2)
# grace period, and the deferred high-risk dates for Annex III and Annex I systems.
DATES = ["2024-07-01", "2025-02-02", "2026-01-17", "2026-01-18", "2026-07-27", "2026-08-02", "2026-12-02",
         "2027-12-02", "2028-08-02"]


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
    # the EU version applied on 2026-11-26: Regulation 2024/1689 as amended by 2026/1744 (in force 2026-07-27)
    assert result["law_versions"] == {"kz": "2026-01-18", "eu": "2026-07-27"}
    assert [a["act"] for a in result["law_acts"]["eu"]] == ["2024/1689", "2026/1744"]
    risk = next(step for step in result["trace"] if step["rule"] == "kz.risk.medium")
    assert risk["ref"] == "KZ AI Law Art. 17(1)"
    assert "moral_or_material_harm" in risk["because"]


def test_text_report_puts_the_verdict_first_then_why_then_what_to_do():
    out = run_senim("classify", "examples/grid-optimiser/senim.yaml", "--as-of", "2026-11-26").stdout.decode()
    lines = [l for l in out.splitlines() if l.strip()]
    assert "Grid dispatch optimiser" in lines[0]
    assert "high risk · high autonomy" in lines[1]
    why, todo = out.index("Why"), out.index("What to do")
    assert why < todo
    # high autonomy is not a prohibition (the final law dropped the draft's ban); with high risk a
    # person's control becomes part of risk management
    assert "Operating high autonomy is expected to rest on a law (not a prohibition)" in out[todo:]
    assert "Build a person's control into the risk management of a high-risk, high-autonomy system" in out[todo:]
    assert "PROHIBITED" not in out


@pytest.mark.parametrize("lang, words", [
    ("kk", ["Неліктен", "Не істеу керек", "қауіп-қатер дәрежесі: жоғары", "Қауіп-қатер дәрежесі жоғары"]),
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
    # Art. 50 starts on 2 August 2026; Art. 9 no longer does (Regulation 2026/1744 moved it to 2027-12-02),
    # while Art. 43 keeps the general date by the letter of the amended Art. 113
    assert "Art. 50(1)" in text and "Art. 43" in text and "eu.art9.risk_management" not in text


def test_law_diff_across_the_amendment_names_it_for_each_change():
    """Regulation (EU) 2026/1744 came into force on 27 July 2026 (its Art. 4: third day after the OJ of 24 July)."""
    result = run_senim("law", "diff", "--from", "2026-07-01", "--to", "2026-08-01", "--format", "json")
    assert result.returncode == 0, result.stderr
    eu = json.loads(result.stdout)["eu"]
    assert eu["added"] == [] and eu["removed"] == []  # nothing starts applying in July; what moved is listed
    changes = eu["amended"]
    assert changes and all(c["act"] == "2026/1744" and c["date"] == "2026-07-27" for c in changes)
    by_id = {c["id"]: c for c in changes}
    # Art. 113, third paragraph, point (c), as replaced by Art. 1(40)(b)
    assert by_id["eu.art9.risk_management"]["point"] == "Art. 1(40)(b)"
    assert by_id["eu.art9.risk_management"]["changed"]["dates"] == [["2026-08-02", "2027-08-02"], ["2027-12-02", "2028-08-02"]]
    assert by_id["eu.art26.use_per_instructions"]["changed"]["dates"][1] == ["2027-12-02", "2028-08-02"]
    assert by_id["eu.prohibited.art5_1_ba"]["change"] == "inserted"
    assert by_id["eu.art50_2.machine_readable_marking"]["point"] == "Art. 1(39)(b)"
    assert by_id["eu.art99_4"]["changed"]["lower_for"][1][-1] == "small_mid_cap"
    text = run_senim("law", "diff", "--from", "2026-07-01", "--to", "2026-08-01").stdout.decode()
    change_lines = [line for line in text.splitlines()[1:] if line.strip()]
    assert change_lines and all("Regulation (EU) 2026/1744" in line for line in change_lines)
    # a wider window: every change that differs between the two versions names the act
    wide = json.loads(run_senim("law", "diff", "--from", "2026-07-20", "--to", "2026-08-05", "--format", "json").stdout)["eu"]
    assert {a["act"] for a in wide["added"]} <= {"2024/1689", "2026/1744"}
    assert all(c["act"] == "2026/1744" for c in wide["amended"])
    # one system: the credit-scoring duties moved, by the amendment
    system = json.loads(run_senim("law", "diff", "--from", "2026-07-01", "--to", "2026-08-01", EU_CREDIT_MANIFEST,
                                  "--format", "json").stdout)
    moved = {m["id"]: m for m in system["eu"]["moved"]}
    assert moved["eu.art9.risk_management"]["was_from"] == "2026-08-02"
    assert moved["eu.art9.risk_management"]["applies_from"] == "2027-12-02"
    assert moved["eu.art9.risk_management"]["act"] == "2026/1744"


def test_law_versions_lists_the_acts_of_each_pack():
    result = run_senim("law", "versions", "--format", "json")
    assert result.returncode == 0, result.stderr
    packs = {p["pack"]: p for p in json.loads(result.stdout)}
    eu = packs["eu"]["acts"]
    assert [(a["act"], a["in_force"]) for a in eu] == [("2024/1689", "2024-08-01"), ("2026/1744", "2026-07-27")]
    assert eu[1]["amends"] == "2024/1689" and eu[1]["published"] == "2026-07-24"
    assert "eu.art9.risk_management" in eu[1]["changed"] and "eu.prohibited.art5_1_bb" in eu[1]["inserted"]
    assert [a["act"] for a in packs["kz"]["acts"]][0] == "230-VIII"
    text = run_senim("law", "versions").stdout.decode()
    assert "Regulation (EU) 2026/1744" in text and "2026-07-27" in text


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
    assert unknown.returncode == 2 and "article '999' is not in any pack" in unknown.stderr.decode()


def test_law_show_an_article_of_another_pack_names_the_pack_and_its_own_articles():
    result = run_senim("law", "show", "kz", "99")
    assert result.returncode == 2
    err = result.stderr.decode()
    assert "article '99' is not in the KZ pack" in err
    listed = err.split("its articles: ")[1].strip().split(", ")
    assert "17" in listed and "21" in listed and "CoAO 641-1" in listed
    assert "99" not in listed and "50" not in listed  # EU articles are not offered for the KZ pack


def test_law_show_kz_17_lists_the_seven_prohibitions():
    found = json.loads(run_senim("law", "show", "kz", "17", "--format", "json").stdout)
    refs = {r["id"]: r["ref"] for r in found[0]["rules"]}
    names = ("manipulation", "exploiting_vulnerabilities", "social_scoring", "unlawful_personal_data",
             "biometric_discrimination", "emotion_recognition_without_consent", "prohibited_content")
    for n, name in enumerate(names, 1):  # item numbers after the zakon.kz report of 05.03.2026 and the HUMMBL matrix
        assert refs[f"kz.prohibited.{name}"].split(";")[0] == f"KZ AI Law Art. 17(3)({n})"
    text = run_senim("law", "show", "kz", "17").stdout.decode()
    assert all(f"kz.prohibited.{name}" in text for name in names)


SPAM_FILTER = """\
format: "1.0"
id: spam-filter
name: Mail spam filter
owner: {name: Example Mail LLP, size: small}
markets: [KZ, EU]
uses: [other.spam_filtering]
failure_impact: [minimal]
human_oversight: none
affects_natural_persons: false
"""


def test_a_minimal_risk_system_with_no_human_in_the_loop_passes_the_gate(tmp_path):
    """Issue 11 point 3: the final KZ law has no ban on highly autonomous systems, so high
    autonomy alone neither prohibits nor blocks a release."""
    manifest = tmp_path / "senim.yaml"
    manifest.write_text(SPAM_FILTER, encoding="utf-8")
    classified = json.loads(run_senim("classify", manifest, "--format", "json", "--as-of", "2026-12-01").stdout)
    kz = classified["kz"]
    assert (kz["risk"], kz["autonomy"], kz["high_autonomy_permitted"], kz["prohibited"]) == ("minimal", "high", False, [])
    duty = next(o for o in kz["obligations"] if o["id"] == "kz.autonomy.only_where_law_permits")
    assert duty["kind"] == "duty" and duty["confidence"] == "secondary"
    done = run_senim("assess", manifest, "--format", "json", "--as-of", "2026-12-01",
                     env={"SENIM_HOME": str(tmp_path / "home")})
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["blocking"] == [] and report["verdict"] != "blocked"
