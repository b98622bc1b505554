"""The legal logic, tested by cases a lawyer can read (tests/law/cases/{kz,eu}).

Each case is a manifest (the file's `base` with the case's `facts` laid over
it), a date, and what the law gives for it, written from the text of the law
and shared/spec/manifest.md, not from Senim's output. `applies_from` names the
date an obligation starts, owed or still to come; `source` names where a case
comes from (e.g. a paragraph of the Commission's guidelines).
"""

from __future__ import annotations

import copy
import json
import re
from datetime import date
from pathlib import Path

import pytest
import yaml

from senim.law.engine import classify
from senim.law.pack import load_packs
from senim.manifest import parse_manifest

CASES = Path(__file__).parent / "cases"


class CaseLoader(yaml.SafeLoader):
    """YAML as lawyers write numbers: 3e25 is a number (YAML 1.1 wants 3.0e+25);
    a key written twice in a case is a mistake, not the second value."""

    def construct_mapping(self, node, deep=False):
        keys = [self.construct_object(key, deep=deep) for key, _ in node.value]
        twice = {k for k in keys if keys.count(k) > 1}
        if twice:
            raise yaml.constructor.ConstructorError(None, None, f"key(s) {sorted(map(str, twice))} written twice", node.start_mark)
        return super().construct_mapping(node, deep=deep)


CaseLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float", re.compile(r"^[-+]?[0-9]+(\.[0-9]*)?[eE][-+]?[0-9]+$"), list("-+0123456789")
)
FILE_KEYS = {"law", "as_of", "base", "cases"}
CASE_KEYS = {"name", "as_of", "facts", "expect", "fires", "does_not_fire", "obligations", "upcoming", "fine",
             "applies_from", "source"}


def _load():
    for path in sorted(CASES.glob("*/*.yaml")):
        document = yaml.load(path.read_text(encoding="utf-8"), Loader=CaseLoader)
        assert set(document) <= FILE_KEYS, f"{path}: unknown keys {set(document) - FILE_KEYS}"
        for index, case in enumerate(document["cases"]):
            assert set(case) <= CASE_KEYS, f"{path} case {index}: unknown keys {set(case) - CASE_KEYS}"
            yield pytest.param(path, document, case, id=f"{path.parent.name}/{path.stem}[{index}]")


ALL_CASES = list(_load())


def run_case(document: dict, case: dict) -> dict:
    manifest = copy.deepcopy(document["base"])
    manifest.update(copy.deepcopy(case.get("facts") or {}))
    parsed = parse_manifest(json.dumps(manifest).encode(), case["name"])
    as_of = case.get("as_of") or document.get("as_of") or date(2026, 11, 26)
    return classify(parsed, as_of)


def _subset(expected, actual, where: str) -> None:
    if isinstance(expected, dict):
        assert isinstance(actual, dict), f"{where}: expected a mapping, got {actual!r}"
        for key, value in expected.items():
            assert key in actual, f"{where}.{key} missing"
            _subset(value, actual[key], f"{where}.{key}")
    else:
        assert actual == expected, f"{where}: expected {expected!r}, got {actual!r}"


@pytest.mark.parametrize("path, document, case", ALL_CASES)
def test_case(path, document, case):
    result = run_case(document, case)
    _subset(case.get("expect") or {}, result, "result")
    fired = {step["rule"] for step in result["trace"]}
    for rule in case.get("fires") or []:
        assert rule in fired, f"{case['name']}: {rule} should fire; fired: {sorted(fired)}"
    for rule in case.get("does_not_fire") or []:
        assert rule not in fired, f"{case['name']}: {rule} should not fire"
    owed = {o["id"]: o for law in ("kz", "eu") for o in result[law]["obligations"]}
    coming = {o["id"] for law in ("kz", "eu") for o in result[law]["upcoming_obligations"]}
    for rule in (case.get("obligations") or {}).get("include", []):
        assert rule in owed
    for rule in (case.get("obligations") or {}).get("exclude", []):
        assert rule not in owed
    for rule in (case.get("upcoming") or {}).get("include", []):
        assert rule in coming, f"{rule} should be upcoming; upcoming: {sorted(coming)}"
    for rule in (case.get("upcoming") or {}).get("exclude", []):
        assert rule not in coming, f"{rule} should not be upcoming"
    # the date each named obligation applies from, owed or still to come
    dated = {o["id"]: o["applies_from"] for law in ("kz", "eu")
             for o in result[law]["obligations"] + result[law]["upcoming_obligations"]}
    for rule, day in (case.get("applies_from") or {}).items():
        assert rule in dated, f"{case['name']}: {rule} is neither owed nor to come"
        assert dated[rule] == str(day), f"{case['name']}: {rule} applies from {dated[rule]}, not {day}"
    if case.get("fine"):
        expected = dict(case["fine"])
        fine = owed[expected.pop("obligation")]["fine"]
        if "size" in expected:
            amounts = fine["amounts"][expected.pop("size")]
            for key, value in expected.items():
                assert amounts[key] == value, f"{key}: {amounts[key]} != {value}"
        else:
            for key, value in expected.items():
                assert fine[key] == value, f"{key}: {fine[key]} != {value}"


def test_every_rule_has_a_case_where_it_fires_and_one_where_it_does_not():
    fires, does_not = set(), set()
    for param in ALL_CASES:
        _, _, case = param.values
        fires.update(case.get("fires") or [])
        does_not.update(case.get("does_not_fire") or [])
        # an expected classification names the rules that decided it too
    rules = {rule.id for pack in load_packs() for rule in pack.all_rules()}
    assert not (fires | does_not) - rules, f"cases name unknown rules: {sorted((fires | does_not) - rules)}"
    assert not rules - fires, f"rules with no case where they fire: {sorted(rules - fires)}"
    assert not rules - does_not, f"rules with no case where they do not fire: {sorted(rules - does_not)}"


def test_the_commissions_worked_examples_are_carried_with_guideline_and_paragraph():
    """Issue 11: at least 40 of the Commission's worked examples, each naming its guideline
    (PP: prohibited practices C(2025) 5052; HR: draft high-risk classification guidelines)
    and the paragraph it comes from."""
    cited = re.compile(r"\b(PP|HR)\b[^;]*\bparas?\.? \d+")
    sourced = [case for param in ALL_CASES for case in [param.values[2]] if cited.search(str(case.get("source", "")))]
    assert len(sourced) >= 40, len(sourced)
    assert {m.group(1) for case in sourced for m in [cited.search(case["source"])]} == {"PP", "HR"}
