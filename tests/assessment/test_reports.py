"""Every example gets a report in kk, ru and en; JSON and SARIF validate against their schemas."""

from __future__ import annotations

import json
import re

import jsonschema
import pytest

from tests.assessment.assess_helpers import EXAMPLES, HERE, ROOT

KAZAKH_ONLY = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
CYRILLIC = re.compile(r"[А-Яа-яЁё]")
REPORT_SCHEMA = json.loads((ROOT / "src/senim/assessment/report.schema.json").read_text())
SARIF_SCHEMA = json.loads((HERE / "sarif-schema-2.1.0.json").read_text())


def _in_language(sentence: str, lang: str) -> bool:
    if lang == "kk":
        return any(c in KAZAKH_ONLY for c in sentence)
    if lang == "ru":
        return bool(CYRILLIC.search(sentence)) and not any(c in KAZAKH_ONLY for c in sentence)
    return not CYRILLIC.search(sentence)


@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch):
    monkeypatch.setenv("SENIM_HOME", str(tmp_path / "home"))


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_every_example_in_every_language(example, lang):
    from datetime import date

    from senim.assessment import assess
    from senim.cli.assess import render
    from senim.report.sarif import render_sarif

    report = assess(example / "senim.yaml", as_of=date(2026, 11, 26), lang=lang)
    signed = json.loads(render(report, "json"))
    jsonschema.Draft202012Validator(REPORT_SCHEMA, format_checker=jsonschema.FormatChecker()).validate(signed)
    # Sentences the catalog writes (no user notes) are in the report's language.
    for o in report["obligations"]:
        if not o["evidence"]:
            assert _in_language(o["reason"], lang), (o["id"], o["reason"])
            assert _in_language(o["title"], lang) or lang == "en", (o["id"], o["title"])
    for fmt in ("markdown", "html", "text"):
        rendered = render(report, fmt).decode("utf-8")
        assert report["classification"]["system"] in rendered
        for gap in report["gaps"][:3]:
            title = next(o["title"] for o in report["obligations"] if o["id"] == gap)
            assert title.replace("|", "\\|") in rendered or __import__("html").escape(title) in rendered
    sarif = render_sarif(report)
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(sarif)
    results = sarif["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == report["gaps"]
    lines = (example / "senim.yaml").read_text(encoding="utf-8").splitlines()
    for result, gap in zip(results, report["gaps"]):
        entry = next(o for o in report["obligations"] if o["id"] == gap)
        start = result["locations"][0]["physicalLocation"]["region"]["startLine"]
        key = entry["id"] if entry["field"].startswith("evidence.") else entry["field"].split(".")[-1]
        written = [n for n, line in enumerate(lines, 1) if line.strip().startswith(key + ":")]
        if written:  # the field is in the file: the result points at its line
            assert start == written[0], (gap, key, start, written)
        assert 1 <= start <= len(lines)
    assert report["verdict"] == ("blocked" if report["blocking"] else "gaps" if report["gaps"] else "compliant")


def test_examples_that_must_block():
    """The grid optimiser is high risk at high autonomy: until a person's control is shown, that
    blocks (high autonomy alone is not a prohibition since the final KZ law, issue 11)."""
    from senim.assessment import assess, exit_code

    verdicts = {p.name: assess(p / "senim.yaml").get("blocking") for p in EXAMPLES}
    assert verdicts["grid-optimiser"][0] == "kz.owner.high_autonomy_high_risk"
    assert "kz.autonomy.only_where_law_permits" not in verdicts["grid-optimiser"]
    assert exit_code(assess(ROOT / "examples/grid-optimiser/senim.yaml")) == 1
    assert verdicts["credit-scoring"] == []


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_every_example_prints_to_pdf_in_kazakh(example, tmp_path):
    import subprocess
    from datetime import date

    from senim.assessment import assess
    from senim.report.html import render_html, render_pdf

    report = assess(example / "senim.yaml", as_of=date(2026, 11, 26), lang="kk")
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(render_pdf(report))
    words = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    used = {c for c in render_html(report) if c in KAZAKH_ONLY}
    assert used <= set(words), used - set(words)
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert fonts and all(row.split()[-5] == "yes" for row in fonts), fonts
