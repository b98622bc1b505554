"""Fuzzing every reader of outside input with Hypothesis: a reader may refuse
what it is given, with a `SenimError` (one sentence), and nothing else may
come out of it: no other exception, no RecursionError, no MemoryError.

The readers: the manifest (YAML and JSON), decision records (JSON Lines), an
exported ledger bundle (three files) and Markdown front matter. Inputs are
near-valid documents with mutations (a value replaced anywhere by any JSON
value, tricky YAML tokens: anchors, merges, tags, special floats, huge ints)
and raw text and bytes.

`fuzz(reader, seconds)` runs batches of Hypothesis examples, each batch with
its own seed, until `seconds` have passed; the test suite spends 5 seconds
on each reader (20 in all), `make bench` 32 on each (bench/bench_fuzz.py).
The budget is a time to spend, never an assertion on how fast anything is.
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

# Profiles: `test` for `make test`, `bench` for `make bench`; seconds on each reader.
PROFILES = {"test": 5.0, "bench": 32.0}
BATCH = 40  # examples a Hypothesis run; each run has its own seed

settings.register_profile("senim-fuzz", max_examples=BATCH, deadline=None, database=None, derandomize=False,
                          suppress_health_check=list(HealthCheck), phases=[Phase.generate, Phase.shrink])

MANIFEST = {"format": "1.0", "id": "m-1", "name": "M", "owner": {"name": "O", "bin": "940140000385"},
            "markets": ["KZ"], "uses": ["essential_services.creditworthiness"], "failure_impact": [],
            "human_oversight": "decides", "personal_data": {"categories": ["financial"], "subjects": 10,
                                                            "legal_basis": "consent"},
            "gpai": {"training_compute_flops": 5e20}, "in_service_from": "2024-05-01"}
DECISION = {"id": "F-1", "subject": "p-1", "system": "retail-credit-scoring", "inputs_digest": "sha256:" + "0" * 64,
            "output": "declined", "decided_at": "2026-10-01T10:00:00+05:00",
            "reasons": [{"feature": "income", "weight": -0.4}]}

# Words that have tripped YAML and JSON readers elsewhere
TOKENS = ["&a", "*a", "<<:", "<<: *a", "!!python/object:os.system", "!!binary", "!!set", "!!omap", "!!int",
          "!!float", "!!str", "!!timestamp", ".nan", ".inf", "-.inf", "NaN", "Infinity", "1e999", "0x1F", "0o17",
          "1_000", "9" * 5000, "~", "null", "? ", "---", "...", "%YAML 1.1", "%TAG ! tag:x,2000:", "\t", "{", "}",
          "[", "]", ",", ":", "- ", "|", ">", "'", '"', "\\u0000", "\\ud800", "\x00", "\ufeff", "\u202e", "\x1b]0;x\x07",
          "2026-13-45", "9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+14:00", "yes", "on", "\n", "  ", "#"]

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30)
    | st.sampled_from([2 ** 53, -(2 ** 63), 10 ** 400, 850315400124.0, "061211600012", "850315\u200b400124"]),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner, max_size=5),
    max_leaves=25,
)
TOKEN_TEXT = st.lists(st.sampled_from(TOKENS) | st.text(max_size=8), max_size=40).map("".join)


@st.composite
def mutated(draw, document: dict) -> Any:
    """`document` with values replaced, keys dropped or added, anywhere."""
    out = json.loads(json.dumps(document))
    for _ in range(draw(st.integers(0, 4))):
        parent, key = _place(draw, out)
        action = draw(st.sampled_from(["replace", "drop", "add"]))
        if action == "replace":
            parent[key] = draw(JSON)
        elif action == "drop" and isinstance(parent, dict):
            parent.pop(key, None)
        elif isinstance(parent, dict):
            parent[draw(st.text(max_size=12))] = draw(JSON)
    return out


def _place(draw, document: dict):
    parent: Any = document
    if not document:
        return document, "x"
    key: Any = draw(st.sampled_from(sorted(document)))
    while isinstance(parent[key], (dict, list)) and parent[key] and draw(st.booleans()):
        parent = parent[key]
        key = draw(st.sampled_from(sorted(parent))) if isinstance(parent, dict) else draw(
            st.integers(0, len(parent) - 1))
    return parent, key


def _yaml(value: Any) -> str:
    import yaml

    try:
        return yaml.safe_dump(value, allow_unicode=True, sort_keys=False)
    except (yaml.YAMLError, ValueError, TypeError, OverflowError):
        return json.dumps(value, default=str)


def _json(value: Any) -> str:
    return json.dumps(value, default=str)  # NaN and Infinity written as JSON5 would


def _spliced(text: str, draw) -> str:
    """A token put in at a random place of `text`."""
    at = draw(st.integers(0, len(text)))
    return text[:at] + draw(TOKEN_TEXT) + text[at:]


@st.composite
def manifest_bytes(draw) -> bytes:
    document = draw(mutated(MANIFEST))
    text = draw(st.sampled_from([_yaml, _json]))(document)
    choice = draw(st.integers(0, 4))
    if choice == 0:
        text = _spliced(text, draw)
    elif choice == 1:
        text = "x0: &x0 {a: 1}\n" + "".join(f"x{i}: &x{i} {{<<: [{', '.join([f'*x{i - 1}'] * 3)}]}}\n"
                                           for i in range(1, draw(st.integers(1, 14)))) + text
    elif choice == 2:
        text = draw(TOKEN_TEXT)
    blob = text.encode("utf-8", "surrogatepass")
    if draw(st.integers(0, 9)) == 0:
        blob = draw(st.binary(max_size=200))
    return blob


@st.composite
def decision_bytes(draw) -> bytes:
    lines = []
    for _ in range(draw(st.integers(0, 4))):
        record = draw(mutated(DECISION))
        line = _json(record)
        if draw(st.integers(0, 3)) == 0:
            line = _spliced(line, draw)
        if draw(st.integers(0, 9)) == 0:
            line = "[" * draw(st.integers(100, 3000)) + "]" * draw(st.integers(0, 3000))
        lines.append(line)
    blob = "\n".join(lines).encode("utf-8", "surrogatepass")
    if draw(st.integers(0, 9)) == 0:
        blob = draw(st.binary(max_size=200))
    return blob


@st.composite
def bundle_files(draw) -> dict[str, bytes]:
    entry = {"seq": 1, "kind": "system.registered", "at": "2026-10-01T10:00:00Z", "body": {"id": "x"},
             "prev": "0" * 64, "hash": "0" * 64}
    checkpoint = {"body": "senim/ledger\n1\n" + "0" * 64 + "\n", "signature": "AAAA"}
    files = {}
    for name, base in (("entries.jsonl", entry), ("checkpoints.jsonl", checkpoint)):
        lines = [_json(draw(mutated(base))) for _ in range(draw(st.integers(0, 3)))]
        text = "\n".join(lines)
        if draw(st.booleans()):
            text = _spliced(text, draw)
        files[name] = text.encode("utf-8", "surrogatepass")
    keys = draw(st.one_of(JSON, st.just({"abc": 5}), st.just({"k": "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"})))
    files["keys.json"] = _json(keys).encode("utf-8", "surrogatepass")
    if draw(st.integers(0, 5)) == 0:
        files[draw(st.sampled_from(sorted(files)))] = draw(st.binary(max_size=200))
    return files


@st.composite
def markdown_bytes(draw) -> bytes:
    meta = draw(st.dictionaries(st.sampled_from(["digital_source_type", "c2pa_manifest", "ai_warning", "ai_generator",
                                                  "title"]) | st.text(max_size=8), JSON, max_size=5))
    front = _yaml(meta)
    if draw(st.booleans()):
        front = _spliced(front, draw)
    if draw(st.integers(0, 4)) == 0:
        front = "a0: &a0 [x, x, x, x, x, x, x, x, x]\n" + "".join(
            f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 9)) + "ai_warning: *a8\n"
    body = draw(st.text(max_size=50))
    text = f"---\n{front}---\n{body}" if draw(st.integers(0, 5)) else draw(TOKEN_TEXT)
    return text.encode("utf-8", "surrogatepass")


# ---------------------------------------------------------------- readers


def read_manifest(blob: bytes) -> None:
    from senim.manifest import parse_manifest

    parse_manifest(blob, "fuzz.yaml")


def read_decisions(blob: bytes) -> None:
    from senim.registry.decisions import read_jsonl_text

    read_jsonl_text(blob, "fuzz.jsonl")


def read_bundle(files: dict[str, bytes]) -> None:
    from senim.ledger.bundle import verify_bundle

    with tempfile.TemporaryDirectory(prefix="senim-fuzz-") as folder:
        for name, blob in files.items():
            (Path(folder) / name).write_bytes(blob)
        verify_bundle(folder)


def read_front_matter(blob: bytes) -> None:
    from senim.provenance.textmarks import read_marks

    read_marks(blob, "Markdown", "fuzz.md")


READERS: dict[str, tuple[Callable[[Any], None], Any]] = {
    "manifest": (read_manifest, manifest_bytes()),
    "decisions": (read_decisions, decision_bytes()),
    "bundle": (read_bundle, bundle_files()),
    "front matter": (read_front_matter, markdown_bytes()),
}


def refused_or_read(reader: Callable[[Any], None], value: Any) -> None:
    """The property: the reader reads `value` or refuses it with a SenimError."""
    from senim.errors import SenimError

    try:
        reader(value)
    except SenimError as error:
        assert str(error), "a refusal says why"


def fuzz(name: str, seconds: float) -> int:
    """Run the reader `name` on generated inputs for `seconds`; the number of batches run.
    A failure raises Hypothesis's error, with the smallest input that shows it."""
    reader, strategy = READERS[name]
    deadline = time.monotonic() + seconds
    batches = 0
    while time.monotonic() < deadline:
        @seed(batches)
        @settings(settings.get_profile("senim-fuzz"))
        @given(strategy)
        def run(value):
            refused_or_read(reader, value)

        run()
        batches += 1
    return batches
