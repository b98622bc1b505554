"""Finding codes and English words left in Kazakh and Russian text.

A finding is a manifest code (an enum value of the manifest schema, a field
name, a rule-pack code such as `annex_iii.5b` or `art5_1_f`) or a word in
Latin letters, outside what the reader's own data puts there: quoted text
(«…», "…", `…`), the manifest's own values (names, descriptions, notes),
paths, addresses, hashes, numbers, command lines (`senim …`, `--option`) and
the few Latin names a Kazakh or Russian text writes in Latin (AI Act, GDPR,
C2PA, UTC...).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Iterable

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "src/senim/schemas/ai-system.schema.json").read_text(encoding="utf-8"))

# Latin names that Kazakh and Russian texts write in Latin letters.
ALLOWED = {
    "AI", "Act", "GDPR", "C2PA", "XMP", "IPTC", "UTC", "FLOP", "SHA", "ROC", "AUC", "SHAP", "JSON", "PDF", "HTML",
    "SARIF", "Senim", "ID", "YAML", "NUL", "NaN", "IBAN", "CSV", "Parquet", "ICT", "EU", "KZ", "OECD", "ISO", "NIST", "URL", "Fairlearn",
    "skops", "TreeExplainer", "LinearExplainer", "PermutationExplainer", "shap", "senim", "yaml", "md", "json",
    "html", "pdf", "sarif", "jsonl", "csv", "txt", "png", "jpg", "jpeg", "mp4", "wav", "mp3", "Almaty", "Astana",
    "IT", "NCII", "CSAM", "LLM", "API", "Dask", "Polars", "Presidio", "PostgreSQL", "SQLite", "Ed25519", "RFC",
    "Merkle", "FRIA", "Annex", "CE", "IP", "UTF",
}
QUOTED = re.compile(r"«[^»]*»|\"[^\"]*\"|`[^`]*`|“[^”]*”|„[^“”]*[“”]")
NOISE = [
    re.compile(r"\b[0-9a-f]{16,}\b"),                     # hashes and key ids
    re.compile(r"sha256:[0-9a-f]+"),
    re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"),            # e-mail addresses
    re.compile(r"https?://\S+"),
    re.compile(r"\b(?:[a-z0-9-]+\.)+(?:kz|com|org|eu|ru|int)\b"),  # web and mail domains
    re.compile(r"(?:[\w.-]*/)+[\w.<>*-]+"),                # paths with a folder
    re.compile(r"\b[\w-]+\.(?:yaml|yml|json|jsonl|csv|parquet|skops|md|html|pdf|sarif|txt|db|png|jpg|jpeg|mp4|wav|mp3|pem|key)(?::\d+)?\b"),
    re.compile(r"(?<!\w)--[a-z][a-z-]*(?:\s+[A-Z_]+)?"),   # options and their metavars
    re.compile(r"\bsenim(?:\s+[a-z][a-z-]*)+"),            # command lines
    re.compile(r"\b\d{4}-\d{2}-\d{2}(?:T[\d:.]+(?:Z|[+-]\d{2}:\d{2})?)?"),
    re.compile(r"(?<=[\d)–-])\([a-z]{1,3}\)"),        # a point of an article, lettered as the act does: 5(1)(ba), (h)(iii)
]


def _codes() -> set[str]:
    """Every enum value and property name of the manifest schema, and the rule packs' result codes."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "enum":
                    found.update(v for v in value if isinstance(v, str))
                elif key == "properties":
                    found.update(value)
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(SCHEMA)
    pattern = SCHEMA["properties"]["uses"]["items"]["pattern"]
    for group, names in re.findall(r"(\w+)\\\.\(([\w|]+)\)", pattern):
        found.update(f"{group}.{n}" for n in names.split("|"))
    return {c for c in found if len(c) > 2 and ("_" in c or "." in c or c.islower())}


CODES = _codes()
CODE_SHAPE = re.compile(r"\b[a-z][a-z0-9]*(?:[._][a-z0-9]+)+\b")  # snake_case or dotted codes
CYRILLIC = re.compile(r"[А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі]")  # a letter of Kazakh or Russian
LATIN_WORD = re.compile(r"(?<![\w])[A-Za-z][A-Za-z'’-]*[A-Za-z](?![\w])")


class Data(str):
    """A word of the data itself (a column name, a group): the reader's own, even when it is also a code."""


def data_values(*documents: Any) -> set[str]:
    """Every text a user wrote in these documents (the manifest, evidence, records)."""
    out: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, str):
            if node not in CODES or isinstance(node, Data):
                out.add(node)
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, (list, tuple)):
            for item in node:
                walk(item)

    for document in documents:
        walk(document)
    return out


def findings(text: str, values: Iterable[str] = ()) -> list[str]:
    """The codes and Latin words left in a kk or ru text."""
    values = sorted((v for v in values if len(v) >= 2), key=len, reverse=True)
    out = []
    for line in text.splitlines():
        cyrillic = CYRILLIC.search(line)
        clean = QUOTED.sub(" ", line)
        for value in values:
            clean = clean.replace(value, " ")
        for noise in NOISE:
            clean = noise.sub(" ", clean)
        found = list(CODE_SHAPE.findall(clean))
        clean = CODE_SHAPE.sub(" ", clean)
        found += [w for w in LATIN_WORD.findall(clean) if w not in ALLOWED and not re.fullmatch(r"[IVXLC]+", w)]
        # A line without Cyrillic is data (a table of numbers, a name) unless it reads as English: two words or more.
        if cyrillic or len(found) >= 2:
            out += found
    return out
