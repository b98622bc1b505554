"""Rule packs: validated when loaded, the law kept out of the code."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml

from senim.errors import PackError
from senim.i18n import LANGUAGES
from senim.law.pack import PACKS_DIR, load_pack, load_packs

ROOT = Path(__file__).resolve().parents[2]


def test_every_rule_has_citation_dates_confidence_and_three_titles():
    for pack in load_packs():
        for rule in pack.all_rules():
            assert rule.ref and rule.start and rule.confidence in ("confirmed", "secondary", "unverified")
            assert all(rule.title[lang].strip() for lang in LANGUAGES)
            assert set(rule.title) == set(LANGUAGES)


def test_no_rule_marked_confirmed_cites_an_article_it_calls_unverified():
    """A rule is no surer than the article it cites: `confirmed` needs an article that is not
    `unverified` in the pack and a citation that does not call its number unverified."""
    for pack in load_packs():
        for rule in pack.all_rules():
            assert rule.article is None or rule.article in pack.articles, f"{rule.id}: article {rule.article} has no title"
            if rule.confidence == "confirmed":
                assert "unverified" not in rule.ref, rule.id
                assert pack.articles[rule.article]["confidence"] != "unverified", rule.id


def test_every_version_of_a_pack_builds_and_names_its_acts():
    """Each consolidated version (one per amending act) loads; an amendment names an act of the pack."""
    from datetime import timedelta

    for pack in load_packs():
        ids = {a.id for a in pack.acts}
        for act in pack.acts:
            before = pack.on(act.in_force - timedelta(days=1))
            assert pack.on(act.in_force).version == (pack.version if act == pack.acts[-1] else act.in_force.isoformat())
            assert {r.id for r in before.all_rules()} <= {r.id for r in pack.all_rules()}
        for rule in pack.all_rules():
            assert {a.act for a in rule.amendments} <= ids and (rule.added_by is None or rule.added_by in ids), rule.id


def test_the_eu_pack_consolidates_the_ai_act_as_amended_by_the_omnibus():
    from datetime import date

    eu = next(p for p in load_packs() if p.name == "eu")
    # Regulation (EU) 2026/1744: OJ L of 24.7.2026, in force on the third day after (its Art. 4)
    omnibus = eu.act("2026/1744")
    assert (omnibus.published, omnibus.in_force, omnibus.amends) == (date(2026, 7, 24), date(2026, 7, 27), "2024/1689")
    assert eu.on(date(2026, 7, 26)).version == "2024-08-01" and eu.on(date(2026, 7, 27)).version == "2026-07-27"
    # the rules it inserted do not exist in the law before it
    assert "eu.prohibited.art5_1_ba" not in {r.id for r in eu.on(date(2026, 7, 26)).rules}


def test_no_article_is_named_in_python_code():
    """String constants of the code (docstrings aside) cite no article: the packs do."""
    import ast

    pattern = re.compile(r"\b(Art\.|art\.|Article|article|Annex|annex)\s*([0-9]+|[IVX]+\b)")
    offenders = []
    for path in (ROOT / "src/senim").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value) for node in ast.walk(tree)
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
            and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
                if pattern.search(node.value):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value[:80]!r}")
    assert not offenders, "\n".join(offenders)


def _broken_copy(tmp_path: Path, name: str, edit) -> Path:
    target = tmp_path / name
    shutil.copytree(PACKS_DIR / name, target)
    for path in sorted(target.glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        new = edit(path.name, text)
        if new != text:
            path.write_text(new, encoding="utf-8")
    return target


@pytest.mark.parametrize("name, edit, message", [
    ("kz", lambda f, t: t.replace("confidence: confirmed", "confidence: certain", 1) if f == "10-classification.yaml" else t,
     "confidence 'certain' is not one of confirmed, secondary, unverified"),
    ("kz", lambda f, t: t.replace("      en: High risk\n", "", 1) if f == "10-classification.yaml" else t,
     "rule kz.risk.high: title: the 'en' text is missing"),
    ("kz", lambda f, t: t.replace("{fact: failure_impact, contains_any:", "{fact: failure_impact, overlaps:", 1) if f == "10-classification.yaml" else t,
     "a condition names one of fact/result and one operator"),
    ("kz", lambda f, t: t.replace("from: 2026-01-18", "from: 2026-13-01", 1) if f == "10-classification.yaml" else t,
     "not valid YAML: month must be in 1..12"),
    ("eu", lambda f, t: t.replace("fine: eu.art99_3", "fine: eu.art99_9", 1) if f == "40-obligations.yaml" else t,
     "names fine eu.art99_9, which the pack does not define"),
    ("eu", lambda f, t: t.replace("  - id: eu.applies\n    gate: true\n", "  - id: eu.applies\n", 1) if f == "10-prohibited.yaml" else t,
     "a pack's first rule, and only it, is its gate"),
    ("eu", lambda f, t: t.replace('title: {kk: "ЖИ сауаттылығы"', 'title: {kk: ЖИ, сауаттылығы', 1) if f == "00-pack.yaml" else t,
     None),
    ("kz", lambda f, t: t.replace("rules:", "rulez:", 1) if f == "10-classification.yaml" else t,
     "unknown section(s) rulez"),
    ("kz", lambda f, t: t + "\n  - id: kz.risk.high\n" if f == "10-classification.yaml" else t,
     "'ref' is missing"),
])
def test_a_broken_pack_is_a_clear_error(tmp_path, name, edit, message):
    folder = _broken_copy(tmp_path, name, edit)
    if message is None:  # an unquoted comma that splits a text is caught too
        texts = yaml.safe_load((folder / "00-pack.yaml").read_text())["articles"]["4"]["title"]
        assert set(texts) != set(LANGUAGES)
        return
    with pytest.raises(PackError) as caught:
        load_pack(folder)
    assert message in str(caught.value)
    assert str(folder) in str(caught.value)


def test_pack_parameters_by_date():
    kz = next(p for p in load_packs() if p.name == "kz")
    from datetime import date

    assert kz.value_on("mrp_kzt", date(2026, 6, 1)) == 4325
    assert kz.value_on("mrp_kzt", date(2025, 6, 1)) is None


def test_law_coverage_document_is_up_to_date():
    import subprocess
    import sys

    fresh = subprocess.run([sys.executable, str(ROOT / "scripts/law_coverage.py")], capture_output=True, text=True, check=True).stdout
    assert (ROOT / "docs/law-coverage.md").read_text(encoding="utf-8") == fresh, "run `make coverage-doc`"


def test_every_legal_value_of_every_pack_section_carries_ref_confidence_and_dates():
    """Read with plain PyYAML, not the loader: every leaf of every data section
    sits in an entry with a citation, a confidence and a start date."""
    import yaml

    files = sorted(PACKS_DIR.glob("*/data/*.yaml"))
    assert {p.stem for p in files} >= {"labelling", "incident-deadlines", "explanation-letter", "fairness-thresholds",
                                      "personal-data", "application-packs", "stakes", "citizen-requests"}
    assert not list(PACKS_DIR.glob("*.yaml")), "legal values live in a pack's data/ folder, not beside the packs"
    bare = []

    def walk(node, where):
        if isinstance(node, dict) and "ref" in node:
            if not (node["ref"] and node.get("confidence") in ("confirmed", "secondary", "unverified")
                    and isinstance(node.get("from"), date)):
                bare.append(where)
            if node.get("until") is not None and not node["until"] > node["from"]:
                bare.append(where + " (until)")
        elif isinstance(node, dict) and node:
            for key, value in node.items():
                walk(value, f"{where}.{key}")
        elif isinstance(node, list) and node:
            for i, value in enumerate(node):
                walk(value, f"{where}[{i}]") if isinstance(value, dict) and "ref" in value else bare.append(f"{where}[{i}]")
        else:
            bare.append(where)

    for path in files:
        walk(yaml.safe_load(path.read_text(encoding="utf-8")), f"{path.parent.parent.name}/{path.stem}")
    assert not bare, "values without ref, confidence and from: " + ", ".join(bare)


def test_the_legal_data_loader_merges_the_packs_and_reads_a_day():
    from senim.law.pack import data_sections, legal_data

    assert "stakes" in data_sections()
    labelling = legal_data("labelling")
    assert set(labelling["duty"]) == {"kz", "eu"}  # one duty from each pack
    ids = {d["id"] for d in legal_data("incident-deadlines")["deadlines"]}
    assert ids == {"kz.personal_data.breach_notice", "eu.art73.general", "eu.art73.death", "eu.art73.widespread"}
    # the EU Art. 73 deadlines apply from 2 August 2026; the Kazakh breach notice from 1 July 2024
    before = {d["id"] for d in legal_data("incident-deadlines", on=date(2026, 8, 1))["deadlines"]}
    assert before == {"kz.personal_data.breach_notice"}
    assert set(legal_data("labelling", on=date(2026, 8, 1))["duty"]) == {"kz"}


@pytest.mark.parametrize("text, message", [
    ("value:\n  limit: 3\n", "value.limit: 3 has no ref"),
    ("value:\n  ref: x\n  confidence: sure\n  from: 2026-01-01\n", "confidence 'sure' is not one of"),
    ("value:\n  ref: x\n  confidence: secondary\n", "value: 'from' is missing"),
    ("value:\n  ref: x\n  confidence: secondary\n  from: 2026-02-01\n  until: 2026-01-01\n", "is not after 'from'"),
    ("items: [a, b]\n", "items[0]: every item of a list of legal values is an entry"),
])
def test_a_legal_value_without_its_citation_or_dates_is_refused(tmp_path, text, message):
    from senim.errors import PackError
    from senim.law import pack as pack_module

    folder = tmp_path / "kz"
    shutil.copytree(PACKS_DIR / "kz", folder)
    (folder / "data" / "broken.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(PackError) as raised:
        load_pack(folder)
    assert message in str(raised.value) and "broken.yaml" in str(raised.value)
    pack_module._read_section.cache_clear()
