"""Every command's text output, for every example, in Kazakh and Russian:
no manifest code and no English word outside the reader's own values.

known_gaps.yaml lists what another area's command may still leave (empty
since issue 15); a finding in the outputs area's commands, or one not listed, fails."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from tests.i18n.i18n_outputs import EXAMPLES, outputs
from tests.i18n.i18n_scan import data_values, findings

KNOWN = yaml.safe_load((Path(__file__).with_name("known_gaps.yaml")).read_text(encoding="utf-8")) or []


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    return list(outputs(tmp_path_factory.mktemp("i18n")))


def test_every_command_and_example_renders_in_kk_and_ru(rendered):
    commands = {(command, lang) for _, command, _, lang, _, _ in rendered}
    for command in ("classify", "obligations", "assess", "validate", "law show", "law diff", "pack", "fairness",
                    "explain", "incident", "decisions explain", "init", "scan", "verify", "systems", "show"):
        assert (command, "kk") in commands and (command, "ru") in commands, command
    examples = {example for _, command, example, _, _, _ in rendered if command == "assess"}
    assert examples == {p.name for p in EXAMPLES} and len(examples) >= 7
    for area, command, example, lang, text, _ in rendered:
        assert text.strip(), (command, example, lang)  # something was said


def test_no_code_or_english_word_in_kazakh_or_russian(rendered):
    allowed = defaultdict(set)
    for entry in KNOWN:
        assert entry["area"] != "outputs"
        allowed[entry["command"]].update(entry["words"])
    left = []
    for area, command, example, lang, text, values in rendered:
        for word in findings(text, data_values(*values)):
            if word not in allowed.get(command, set()):
                left.append(f"{area} · {command} · {example} · {lang}: {word}")
    assert left == [], "\n".join(sorted(set(left)))


def test_the_scanner_finds_what_it_should():
    """The check itself: a code or an English word in a Russian line is found; quoted and user values are not."""
    assert findings("Тәуекел — failure_impact ішінде moral_or_material_harm бар") == ["failure_impact", "moral_or_material_harm"]
    assert findings("Решение: declined.") == ["declined"]
    assert findings("Система «Retail credit scoring» приняла решение") == []
    assert findings("Организация: Example Bank JSC", ["Example Bank JSC"]) == []
    assert findings("Запишите в «evidence: kz.pd.consent:» (senim.yaml:12), см. --run-checks") == []
    assert findings("signer is not on the trust list") == ["signer", "is", "not", "on", "the", "trust", "list"]
