"""Manifests: every valid document is accepted, every invalid one rejected,
in agreement with the reference JSON Schema validator (`jsonschema`)."""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path

import jsonschema
import pytest
import yaml

from senim.errors import InputError
from senim.manifest import load_manifest, parse_manifest

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT.parent / "shared" / "spec"
SCHEMA = json.loads((ROOT / "src/senim/schemas/ai-system.schema.json").read_text())
EXAMPLES = sorted(ROOT.glob("examples/*/senim.yaml"))

# BINs worked by hand (law reference, Part 1c): weights 1..11, sum mod 11.
VALID_BINS = ["940140000385", "990140004654"]
INVALID_BINS = ["940140000386", "990140004655"]


def _accepts_at_least(ours: dict, theirs: dict, where: str = "#") -> list[str]:
    """Where `ours` would refuse a value the contract's `theirs` accepts.

    The contract (shared/spec) allows more fields and wider enumerations, never
    narrower ones; descriptions may differ.
    """
    gaps = []
    if "enum" in theirs:
        branches = ours.get("anyOf", [ours])
        if not any(set(map(json.dumps, theirs["enum"])) <= set(map(json.dumps, b.get("enum", []))) for b in branches):
            gaps.append(f"{where}: enum narrowed")
    for key in ("type", "pattern", "const", "minimum", "maximum", "minLength", "format", "items"):
        if key in theirs and key != "items" and ours.get(key) != theirs[key]:
            branch = next((b for b in ours.get("anyOf", []) if b.get(key) == theirs[key]), None)
            if branch is None:
                gaps.append(f"{where}: {key} differs")
    if "items" in theirs:
        gaps += _accepts_at_least(ours.get("items", {}), theirs["items"], f"{where}/items")
    if not set(ours.get("required", [])) <= set(theirs.get("required", [])):
        gaps.append(f"{where}: more fields required")
    if theirs.get("additionalProperties", True) and ours.get("additionalProperties", True) is False:
        gaps.append(f"{where}: extra fields refused")
    for name, sub in theirs.get("properties", {}).items():
        if name not in ours.get("properties", {}):
            gaps.append(f"{where}/{name}: missing")
        else:
            gaps += _accepts_at_least(ours["properties"][name], sub, f"{where}/{name}")
    return gaps


def test_shipped_schema_accepts_everything_the_contract_does():
    shared = SPEC / "ai-system.schema.json"
    if not shared.exists():  # the contract lives beside the repository in development and CI
        pytest.fail(f"{shared} is missing: the test needs the shared contract")
    assert _accepts_at_least(SCHEMA, json.loads(shared.read_text())) == []


def test_the_contract_check_sees_a_narrowed_enum():
    contract = {"properties": {"size": {"enum": ["small", "large"]}}, "required": ["size"]}
    assert _accepts_at_least({"properties": {"size": {"enum": ["small"]}}, "required": ["size"]}, contract)
    assert _accepts_at_least({"properties": {}, "required": ["size", "x"]}, contract)
    assert not _accepts_at_least({"properties": {"size": {"anyOf": [{"enum": ["small", "large", "mid"]},
                                                                  {"type": "array"}]}}}, contract)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.parent.name)
def test_examples_are_valid_under_the_schema(path):
    document = yaml.safe_load(path.read_text())
    # YAML 1.1 readers see 3e24 as text and 2024-05-01 as a date; in JSON they
    # are the number users mean and a string
    if "in_service_from" in document:
        document["in_service_from"] = str(document["in_service_from"])
    if isinstance((document.get("gpai") or {}).get("training_compute_flops"), str):
        document["gpai"]["training_compute_flops"] = float(document["gpai"]["training_compute_flops"])
    jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(document)
    assert load_manifest(path).id == document["id"]


def test_numbers_as_users_write_them():
    text = b'format: "1.0"\nid: m\x31\nname: M\nowner: {name: O}\nmarkets: [EU]\nuses: [other.x]\nfailure_impact: []\nhuman_oversight: none\ngpai: {training_compute_flops: 3e25}\n'
    manifest = parse_manifest(text, "m.yaml")
    assert manifest.data["gpai"]["training_compute_flops"] == 3e25
    assert isinstance(manifest.data["gpai"]["training_compute_flops"], float)


def test_defaults_from_the_schema_are_filled_in_but_raw_is_kept():
    manifest = load_manifest(ROOT / "examples/credit-scoring/senim.yaml")
    assert manifest.data["eu_role"] == "provider"
    assert manifest.data["affects_natural_persons"] is True
    assert manifest.data["public_sector"] is False
    assert "eu_role" not in manifest.raw
    assert manifest.line_of("personal_data.subjects") == 17


def test_json_and_yaml_read_the_same():
    path = ROOT / "examples/support-chatbot/senim.yaml"
    from_yaml = load_manifest(path)
    from_json = parse_manifest(json.dumps(from_yaml.raw).encode(), "x.json")
    assert from_json.data == from_yaml.data


# ---------------------------------------------------------------------------
# Agreement with jsonschema on thousands of mutated documents

POOL = [None, True, False, 0, 1, -3, 2.5, 1e26, "", "x", "KZ", "EU", "decides", "none", "minimal", "life_health",
        "other.customer_support", "essential_services.creditworthiness", "2026-01-18", "2026-02-30", "1.0",
        [], ["KZ"], ["KZ", "KZ"], ["EU", "KZ"], ["minimal"], ["other.a_b"], ["profiling"], ["credit"], [1],
        {}, {"name": "A"}, {"context": "workplace"}, {"media": ["video"], "imitates_real_persons": True},
        {"sensitive_traits": ["race"]}, {"training_compute_flops": 3e25}, {"legal_basis": "none"},
        {"real_time": True, "exception": "victims"}, {"media": []}, {"subjects": -1}]


def _paths(schema, prefix=()):
    for key, sub in schema.get("properties", {}).items():
        yield prefix + (key,)
        if "properties" in sub:
            yield from _paths(sub, prefix + (key,))


PATHS = list(_paths(SCHEMA))


def _mutate(document, rng):
    document = copy.deepcopy(document)
    for _ in range(rng.choice([1, 1, 2])):
        path = rng.choice(PATHS)
        target = document
        for key in path[:-1]:
            if not isinstance(target.get(key), dict):
                target[key] = {}
            target = target[key]
        if rng.random() < 0.2:
            target.pop(path[-1], None)
        else:
            target[path[-1]] = copy.deepcopy(rng.choice(POOL))
    if rng.random() < 0.15 and isinstance(document.get("owner"), dict):
        document["owner"]["bin"] = rng.choice(VALID_BINS + INVALID_BINS)
    return document


def _reference_verdict(validator, document) -> bool:
    if not validator.is_valid(document):
        return False
    for party in ("owner", "holder"):
        entry = document.get(party)
        if isinstance(entry, dict) and entry.get("bin") in INVALID_BINS:
            return False
    return True


def test_validator_agrees_with_jsonschema_on_mutated_documents():
    validator = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
    bases = []
    for path in EXAMPLES:
        document = load_manifest(path).raw
        bases.append(document)
    rng = random.Random(20260118)
    checked = {True: 0, False: 0}
    for i in range(3000):
        document = _mutate(rng.choice(bases), rng)
        if isinstance(document.get("owner"), dict) and isinstance(document["owner"].get("bin"), str) \
                and document["owner"]["bin"] not in VALID_BINS + INVALID_BINS:
            continue  # only BINs whose check digit was worked by hand
        expected = _reference_verdict(validator, document)
        blob = json.dumps(document).encode()
        try:
            parse_manifest(blob, "fuzz.json")
            accepted = True
        except InputError as error:
            accepted = False
            assert str(error).startswith("fuzz.json"), str(error)
        assert accepted == expected, f"document {i}: senim says {accepted}, jsonschema {expected}: {document}"
        checked[expected] += 1
    assert checked[True] > 300 and checked[False] > 300, checked


BASE_YAML = 'format: "1.0"\nid: m-1\nname: M\nowner: {name: O}\nmarkets: [EU]\nuses: [other.x]\nfailure_impact: []\nhuman_oversight: decides\n'


def test_yaml_merge_keys_bring_their_facts():
    text = "x-risky: &risky {capabilities: [social_scoring]}\n" + BASE_YAML + "<<: *risky\n"
    reference = yaml.safe_load(text)  # PyYAML's own reading of `<<`
    manifest = parse_manifest(text.encode(), "merge.yaml")
    assert manifest.raw["capabilities"] == reference["capabilities"] == ["social_scoring"]


def test_an_alias_bomb_is_refused_quickly():
    lines = [BASE_YAML.rstrip(), "a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    with pytest.raises(InputError, match="too large once its aliases are expanded"):
        parse_manifest("\n".join(lines).encode(), "bomb.yaml")


@pytest.mark.parametrize("depth, words", [(500, "nested too deeply"), (2000, "nesting depth")])
def test_deep_nesting_is_a_sentence_not_a_crash(depth, words):
    text = BASE_YAML + "deep: " + "[" * depth + "]" * depth + "\n"
    with pytest.raises(InputError, match=words):
        parse_manifest(text.encode(), "deep.yaml")


def test_json_with_escaped_characters_outside_the_bmp():
    document = {**yaml.safe_load(BASE_YAML), "name": "Rocket \U0001F680"}
    blob = json.dumps(document).encode()  # ensure_ascii writes a surrogate pair
    assert b"\\ud83d" in blob
    assert parse_manifest(blob, "rocket.json").name == "Rocket \U0001F680"


def test_numbers_become_numbers_only_where_the_schema_wants_one():
    text = BASE_YAML.replace("id: m-1", "id: 12e3") + "gpai: {training_compute_flops: 3e25}\n"
    manifest = parse_manifest(text.encode(), "n.yaml")
    assert manifest.id == "12e3"  # a valid slug, text as YAML reads it
    assert manifest.data["gpai"]["training_compute_flops"] == 3e25


def test_a_bare_bin_is_quoted_back_as_written():
    text = BASE_YAML.replace("owner: {name: O}", "owner: {name: O, bin: 050140000123}")
    with pytest.raises(InputError, match='write it in quotes: "050140000123"'):
        parse_manifest(text.encode(), "bin.yaml")


def test_a_long_list_of_distinct_items_is_checked_in_linear_time():
    # 30,000 distinct markets: each is a problem (not KZ or EU), none is a repeat;
    # comparing every item with every other took about a minute
    import time

    text = BASE_YAML.replace("markets: [EU]", "markets: [" + ", ".join(f"m{i}" for i in range(30_000)) + "]")
    started = time.perf_counter()
    with pytest.raises(InputError) as caught:
        parse_manifest(text.encode(), "long.yaml")
    assert time.perf_counter() - started < 10
    problems = caught.value.problems
    assert len(problems) == 30_000
    assert not any("listed twice" in p for p in problems)


@pytest.mark.parametrize("items, repeats", [
    ([1, True], 0), ([1, 1.0], 1), ([0, False], 0), (["a", "a", "a"], 2), ([{"a": 1}, {"a": True}], 0),
    ([{"a": [1, 2]}, {"a": [1, 2]}], 1), ([[1], [True]], 0), ([None, None], 1),
])
def test_repeats_follow_json_schema_equality(items, repeats):
    # JSON Schema's uniqueItems: true and 1 differ, 1 and 1.0 are one number
    validator = jsonschema.Draft202012Validator({"uniqueItems": True})
    assert validator.is_valid(items) == (repeats == 0)
    document = {**yaml.safe_load(BASE_YAML), "markets": items}
    with pytest.raises(InputError) as caught:
        parse_manifest(json.dumps(document).encode(), "r.json")
    assert sum("listed twice" in p for p in caught.value.problems) == repeats
