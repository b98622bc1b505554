"""Issue 15, "Done when": a bank that is provider and deployer sees both sets
of EU duties; the expected articles come from Regulation (EU) 2024/1689
(provider: Arts. 9, 17, 43; deployer: Art. 26, Art. 27(1) FRIA for Annex III
point 5(b) credit scoring, Art. 86 explanation), not from Senim's output."""

from __future__ import annotations

import json
import re

from tests.assessment.assess_helpers import BASE, run, write

BANK = BASE.replace("markets: [KZ]", "markets: [KZ, EU]") + (
    "personal_data:\n  categories: [identifiers, financial]\n  subjects: 50000\n  legal_basis: contract\n"
    "  stored_in_kz: true\n")


def _articles(report: dict, regime: str = "eu") -> dict[str, set[str]]:
    """Article numbers each role owes, read from the references (`EU AI Act Art. 26(1)`)."""
    owed: dict[str, set[str]] = {}
    for duty in report[regime]["obligations"]:
        for role in duty.get("roles") or [duty.get("role")]:
            owed.setdefault(role, set()).update(re.findall(r"Art\. (\d+)", duty["ref"]))
    return owed


def test_provider_and_deployer_owe_both_sets_of_duties(tmp_path):
    both = json.loads(run("obligations", write(tmp_path, BANK.replace(
        "human_oversight:", "eu_role: [provider, deployer]\nhuman_oversight:")), "--format", "json",
        "--as-of", "2028-01-01", home=tmp_path / "home").stdout)
    provider = json.loads(run("obligations", write(tmp_path, BANK.replace(
        "human_oversight:", "eu_role: provider\nhuman_oversight:"), "provider.yaml"), "--format", "json",
        "--as-of", "2028-01-01", home=tmp_path / "home").stdout)
    articles = set().union(*_articles(both).values())
    assert {"9", "17", "43"} <= articles  # the provider's
    assert {"26", "27", "86"} <= articles  # the deployer's, beside them
    alone = set().union(*_articles(provider).values())
    assert {"9", "17", "43"} <= alone and not {"26", "27"} & alone
    # Every provider duty is still there when the bank is also the deployer.
    assert {d["id"] for d in provider["eu"]["obligations"]} <= {d["id"] for d in both["eu"]["obligations"]}
    # The text lists them too, in Russian.
    ru = run("obligations", tmp_path / "senim.yaml", "--lang", "ru", "--as-of", "2028-01-01", home=tmp_path / "home").stdout
    assert "ст. 26" in ru and "ст. 27" in ru and "ст. 9" in ru
