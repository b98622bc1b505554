"""docs/manifest.md explains every field and code of the manifest schema (the schema's
descriptions point to it), so that a user never meets a code the guide does not explain."""

from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "src/senim/schemas/ai-system.schema.json").read_text(encoding="utf-8"))
GUIDE = (ROOT / "docs/manifest.md").read_text(encoding="utf-8")
WRITTEN = set(re.findall(r"`([^`]+)`", GUIDE))


def _walk(rule, path=()):
    """(path, kind, value): every property and every enum value, at any depth."""
    for option in rule.get("anyOf", []):
        yield from _walk(option, path)
    for value in rule.get("enum", []):
        if isinstance(value, str):
            yield path, "value", value
    if "items" in rule:
        yield from _walk(rule["items"], path)
    for name, sub in rule.get("properties", {}).items():
        yield path + (name,), "field", name
        yield from _walk(sub, path + (name,))


def test_every_field_and_code_of_the_schema_is_explained():
    from senim.manifest import EXTENSIONS

    missing = [f"{'.'.join(path)}: {kind} {value!r}" for path, kind, value in _walk(SCHEMA)
               if value not in WRITTEN]
    for name, rule in EXTENSIONS.items():
        missing += [f"{name}: {value!r}" for value in [name, *rule.get("enum", [])] if value not in WRITTEN]
    assert not missing, "docs/manifest.md does not explain:\n" + "\n".join(missing)


def test_the_use_codes_of_the_guide_are_those_the_schema_accepts():
    pattern = re.compile(SCHEMA["properties"]["uses"]["items"]["pattern"])
    listed = {code for code in WRITTEN if re.fullmatch(r"[a-z_]+\.[a-z_]+", code) and not code.startswith("other.")}
    uses = {code for code in listed if pattern.fullmatch(code)}
    assert len(uses) == 25  # Annex III: 1(a)-(c), 2, 3(a)-(d), 4(a)-(b), 5(a)-(d), 6(a)-(e), 7(a)-(d), 8(a)-(b)


def test_the_schema_points_to_the_guide_that_is_shipped():
    text = json.dumps(SCHEMA)
    assert "docs/manifest.md" in text
    assert "manifest.md are listed" not in text or (ROOT / "docs/manifest.md").is_file()
