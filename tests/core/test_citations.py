"""Citations in the reader's language: text and Markdown reports cite articles
as Kazakh and Russian lawyers write them; JSON keeps the packs' English form.

The expected forms are those the packs' own Kazakh and Russian sentences use
("6(3)-бап", "ст. 6(3)", "IV қосымша", "Приложение IV") and the brief's
("16-бап", "ст. 16", "Приложение III, п. 5(b)"), written here by hand.
"""

from __future__ import annotations

import json
import re

import pytest

from senim.law.pack import load_packs
from senim.report.classification import citation
from tests.conftest import run_senim

# An EU credit-scoring system: high-risk under Annex III point 5(b).
EU_CREDIT = """\
format: "1.0"
id: eu-credit-scoring
name: EU credit scoring
owner: {name: Example Bank SA, size: large}
markets: [KZ, EU]
uses: [essential_services.creditworthiness]
failure_impact: [moral_or_material_harm]
human_oversight: can_override
capabilities: [profiling]
"""


def _pack_refs() -> list[str]:
    """Every citation a classification can carry: rules, obligations and fines."""
    refs = set()
    for pack in load_packs():
        refs.update(rule.ref for rule in pack.all_rules())
        refs.update(fine.ref for fine in pack.fines.values())
    return sorted(refs)


@pytest.mark.parametrize("ref, lang, expected", [
    ("KZ AI Law Art. 16", "kk", "16-бап"),
    ("KZ AI Law Art. 16", "ru", "ст. 16"),
    ("EU AI Act Art. 6(2), Annex III point 5(b)", "ru", "ст. 6(2), Приложение III, п. 5(b)"),
    ("EU AI Act Art. 6(2), Annex III point 5(b)", "kk", "6(2)-бап, III қосымша, 5(b)-тармақ"),
    ("EU AI Act Art. 6(3)", "kk", "6(3)-бап"),
    ("EU AI Act Art. 11, Annex IV", "ru", "ст. 11, Приложение IV"),
    ("EU AI Act Art. 11, Annex IV", "kk", "11-бап, IV қосымша"),
    ("KZ Code of Administrative Offences Art. 641-1", "ru", "ст. 641-1"),
    ("KZ Code of Administrative Offences Art. 641-1", "kk", "641-1-бап"),
])
def test_a_citation_in_each_language(ref, lang, expected):
    assert citation(ref, lang).endswith(expected), citation(ref, lang)


def test_english_citations_are_the_packs_own():
    for ref in _pack_refs():
        assert citation(ref, "en") == ref


# Latin words a Kazakh or Russian citation may keep: the EU act's usual name,
# GDPR, and the letters and roman numerals of points, e.g. 5(1)(h)(i)-(iii),
# 5(1)(ba).
KEPT = {"AI", "Act", "GDPR", "EU", "ii", "iii", "ba", "bb"}


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_every_citation_of_the_packs_reads_in_the_language(lang):
    leftovers = {}
    for ref in _pack_refs():
        rendered = citation(ref, lang)
        english = {w for w in re.findall(r"[A-Za-z]{2,}", rendered) if w not in KEPT and not re.fullmatch(r"[IVXL]+", w)}
        if english:
            leftovers[ref] = (rendered, sorted(english))
    assert not leftovers, json.dumps(leftovers, ensure_ascii=False, indent=1)


@pytest.mark.parametrize("lang, present, absent", [
    ("kk", ["17(1)-бап", "31-бап", "16(1)(1)-бап", "6(2)-бап, III қосымша, 5(b)-тармақ"], ["Art.", "Annex", "KZ AI Law"]),
    ("ru", ["ст. 17(1)", "ст. 31", "ст. 16(1)(1)", "ст. 6(2), Приложение III, п. 5(b)"], ["Art.", "Annex", "KZ AI Law"]),
    ("en", ["KZ AI Law Art. 17(1)", "EU AI Act Art. 6(2), Annex III point 5(b)"], []),
])
@pytest.mark.parametrize("format", ["text", "markdown"])
def test_classify_reports_cite_in_the_chosen_language(tmp_path, lang, present, absent, format):
    path = tmp_path / "senim.yaml"
    path.write_text(EU_CREDIT)
    result = run_senim("classify", path, "--lang", lang, "--format", format, "--as-of", "2026-11-26")
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode()
    for words in present:
        assert words in out, words
    for words in absent:
        assert words not in out, words


def test_json_keeps_the_machine_form_in_every_language(tmp_path):
    path = tmp_path / "senim.yaml"
    path.write_text(EU_CREDIT)
    outputs = [run_senim("classify", path, "--format", "json", "--lang", lang, "--as-of", "2026-11-26") for lang in ("en", "kk", "ru")]
    refs = []
    for result in outputs:
        assert result.returncode == 0, result.stderr
        data = json.loads(result.stdout)
        refs.append([step["ref"] for step in data["trace"]]
                    + [o["ref"] for law in ("kz", "eu") for o in data[law]["obligations"]])
    assert refs[0] == refs[1] == refs[2]
    assert "EU AI Act Art. 6(2), Annex III point 5(b)" in refs[1]
    assert "KZ AI Law Art. 17(1)" in refs[2]


@pytest.mark.parametrize("lang, words", [("kk", "21(2)–(3)-бап"), ("ru", "ст. 21(2)–(3)"), ("en", "KZ AI Law Art. 21(2)-(3)")])
def test_law_show_and_diff_cite_in_the_chosen_language(lang, words):
    shown = run_senim("law", "show", "kz", "21", "--lang", lang)
    assert shown.returncode == 0, shown.stderr
    assert words in shown.stdout.decode()
    diff = run_senim("law", "diff", "--from", "2026-08-01", "--to", "2026-08-02", "--lang", lang).stdout.decode()
    assert {"kk": "ЕО ЖИ актісі, 50(1)-бап", "ru": "AI Act ЕС, ст. 50(1)", "en": "EU AI Act Art. 50(1)"}[lang] in diff
    if lang != "en":
        assert "Art." not in shown.stdout.decode() + diff
    data = json.loads(run_senim("law", "show", "kz", "21", "--format", "json", "--lang", lang).stdout)
    assert "KZ AI Law Art. 21(2)-(3)" in {rule["ref"] for rule in data[0]["rules"]}


@pytest.mark.parametrize("lang, header, confirmed", [
    ("kk", "| # | Міндет | Негіз | Басталуы | Сенімділік |", "расталған"),
    ("ru", "| # | Обязанность | Основание | Применяется с | Достоверность |", "подтверждено"),
    ("en", "| # | Obligation | Citation | From | Confidence |", "confirmed"),
])
def test_markdown_table_speaks_the_language(tmp_path, lang, header, confirmed):
    path = tmp_path / "senim.yaml"
    path.write_text(EU_CREDIT)
    out = run_senim("classify", path, "--lang", lang, "--format", "markdown", "--as-of", "2026-11-26").stdout.decode()
    assert header in out
    assert f"| {confirmed} |" in out and f", {confirmed})" in out
    if lang != "en":
        assert "confirmed" not in out and "secondary" not in out


def test_a_voluntary_duty_is_called_voluntary_once():
    # the pack's own title of the trusted-list application already says so
    for lang, word in (("en", "(voluntary)"), ("ru", "(добровольно)"), ("kk", "(ерікті)")):
        out = run_senim("classify", "examples/hospital-triage", "--lang", lang, "--as-of", "2026-11-26").stdout.decode()
        line = next(l for l in out.splitlines() if "2026-04-26" in l and word in l)
        assert line.count(word) == 1, line
