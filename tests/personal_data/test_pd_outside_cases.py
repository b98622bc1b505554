"""Test data written by others: Presidio's recognizer cases and the IBAN
registry's examples.

- `data/presidio_cases.json`: the positive and negative cases of Microsoft
  Presidio's own recognizer tests for cards, IBAN, e-mail and IP
  (presidio-analyzer/tests/, commit and files named in the file; extracted by
  scripts/presidio_cases.py). A case is found when a finding of the kind
  overlaps the span Presidio expects.
- `data/iban_registry_examples.txt`: the example IBAN of each country of the
  SWIFT IBAN Registry (source in the file's header).
"""

from __future__ import annotations

import json
import string
from pathlib import Path

import pytest

from senim.checks.personal_data import scan_text

DATA = Path(__file__).parent / "data"
PRESIDIO = json.loads((DATA / "presidio_cases.json").read_text(encoding="utf-8"))
REGISTRY = [line.strip() for line in (DATA / "iban_registry_examples.txt").read_text().splitlines()
            if line.strip() and not line.startswith("#")]

# Cases where Presidio's own expectation is debatable, with why (docs/personal-data.md lists them).
DEBATABLE = {
    # the unspecified address "::" (Presidio itself scores it 0.05-0.15): no one's address
    ("ip_address", "Use local ipv6 ::"), ("ip_address", "src=:: dst=::1"), ("ip_address", "Unspecified ::"),
    ("ip_address", "::/0"), ("ip_address", "::/128"),
}


def _spans(text: str, kind: str) -> list[tuple[int, int]]:
    return [(f.start, f.end) for f in scan_text(text) if f.type == kind]


def _score(kind: str):
    hits = positives = false_positives = 0
    missed, wrong = [], []
    for case in PRESIDIO["cases"][kind]:
        if (kind, case["text"]) in DEBATABLE:
            continue
        found = _spans(case["text"], kind)
        expected = [tuple(s) for s in case["expected"]]
        for start, end in expected:
            positives += 1
            if any(s < end and start < e for s, e in found):
                hits += 1
            else:
                missed.append(case["text"])
        extra = [f for f in found if not any(f[0] < e and s < f[1] for s, e in expected)]
        if extra:
            false_positives += len(extra)
            wrong.append((case["text"], extra))
    return hits / positives, positives, missed, false_positives, wrong


@pytest.mark.parametrize("kind", ["payment_card", "iban", "email", "ip_address"])
def test_presidio_recognizer_cases_recall_at_least_095_without_false_positives(kind):
    recall, positives, missed, false_positives, wrong = _score(kind)
    assert positives >= 6
    assert recall >= 0.95, (kind, recall, missed)
    assert false_positives == 0, wrong


def test_presidio_cases_name_their_source():
    source = PRESIDIO["source"]
    assert source["repository"] == "https://github.com/microsoft/presidio" and len(source["commit"]) == 40
    assert all(path.startswith("presidio-analyzer/tests/") for path in source["files"].values())


def test_every_registry_example_iban_is_found():
    assert len(REGISTRY) == 89 and len({e[:2] for e in REGISTRY}) == 89
    missed = [e for e in REGISTRY if _spans(f"IBAN: {e}.", "iban") != [(6, 6 + len(e))]]
    assert missed == []
    # printed in groups of four, by spaces or dashes
    for sep in (" ", "-"):
        printed = [sep.join(e[i:i + 4] for i in range(0, len(e), 4)) for e in REGISTRY]
        assert [p for p in printed if _spans(f"IBAN {p} ok", "iban") != [(5, 5 + len(p))]] == []


def _changed(example: str, position: int) -> str:
    """The example with one character changed for another of the same class
    (digit for digit, letter for letter), so that only the check can tell."""
    c = example[position]
    pool = string.digits if c.isdigit() else string.ascii_uppercase
    return example[:position] + pool[(pool.index(c) + 1) % len(pool)] + example[position + 1:]


def test_every_registry_example_with_one_changed_character_is_not_an_iban():
    found = []
    for example in REGISTRY:
        for position in range(2, len(example)):  # check digits and every BBAN character
            changed = _changed(example, position)
            if _spans(f"IBAN: {changed}.", "iban"):
                found.append(changed)
    assert found == []


def test_bban_structure_is_checked_not_only_mod_97():
    # passes MOD 97 but Belgium's BBAN is 12 digits (Presidio's case)
    from senim.checks.personal_data.detectors import iban

    assert iban.checksum("BE34AGFTKTDWV73L") == 1
    assert not iban.is_valid("BE34AGFTKTDWV73L")
    assert _spans("BE34AGFTKTDWV73L", "iban") == []
