"""SARIF results point at the manifest key a gap is about, counted from the file's own text."""

from __future__ import annotations

import json

from tests.assessment.assess_helpers import BASE, ROOT, line_of, run, write

GRID = ROOT / "examples" / "grid-optimiser" / "senim.yaml"


def _sarif(manifest, home) -> dict[str, dict]:
    done = run("assess", manifest, "--format", "sarif", "--as-of", "2026-08-02", home=home)
    assert done.returncode in (0, 1), done.stderr
    return {r["ruleId"]: r for r in json.loads(done.stdout)["runs"][0]["results"]}


def _line(result: dict) -> int:
    return result["locations"][0]["physicalLocation"]["region"]["startLine"]


def test_grid_optimiser_autonomy_gap_points_at_human_oversight(tmp_path):
    results = _sarif(GRID, tmp_path / "home")
    # High autonomy is not a prohibition (issue 11): with a high degree of risk, a person's control
    # is the blocking high-risk duty; the autonomy duty itself does not block.
    autonomy = results["kz.owner.high_autonomy_high_risk"]
    assert autonomy["level"] == "error"
    assert results["kz.autonomy.only_where_law_permits"]["level"] != "error"
    # High autonomy comes from `human_oversight: none`; no law permitting it is written.
    assert _line(autonomy) == line_of(GRID, "human_oversight:")
    assert autonomy["properties"]["field"] == "human_oversight"
    # State security parity is owed because the system is critical infrastructure.
    assert _line(results["kz.high.state_security"]) == line_of(GRID, "critical_infrastructure:")


def test_the_line_follows_the_key_when_the_file_is_rearranged(tmp_path):
    # The same facts as the grid optimiser, in another order and with comments between.
    text = (BASE.replace("human_oversight: can_override\n", "")
            .replace("failure_impact: [moral_or_material_harm]", "# why it is high risk\nfailure_impact: [emergency]")
            + "# no person can correct a set-point\n\n\nhuman_oversight: none\n")
    manifest = write(tmp_path, text)
    results = _sarif(manifest, tmp_path / "home")
    assert _line(results["kz.owner.high_autonomy_high_risk"]) == line_of(manifest, "human_oversight:")
    # A high-risk duty owed because of the failure impact points at that fact.
    assert _line(results["kz.owner.monitoring"]) == line_of(manifest, "failure_impact:")


def test_prohibited_capability_points_at_capabilities_not_oversight(tmp_path):
    manifest = write(tmp_path, BASE + "capabilities:\n  - profiling\n  - social_scoring\n")
    results = _sarif(manifest, tmp_path / "home")
    prohibited = [r for r in results.values() if r["level"] == "error" and "prohibit" in r["ruleId"]]
    assert prohibited, sorted(results)
    for result in prohibited:
        assert _line(result) == line_of(manifest, "capabilities:"), result["ruleId"]


def test_text_report_names_the_same_line(tmp_path):
    done = run("assess", GRID, "--as-of", "2026-08-02", home=tmp_path / "home")
    assert done.returncode == 1
    assert f"senim.yaml:{line_of(GRID, 'human_oversight:')}" in done.stdout
