"""The release gate: exit 1 exactly when a gap blocks, with the worst gap first."""

from __future__ import annotations

import json

from PIL import Image

from tests.assessment.assess_helpers import BASE, line_of, run, write

PROHIBITED = BASE + "capabilities: [profiling, social_scoring]\n"
EVIDENCE = """\
evidence:
  kz.users.agreement:
    answer: yes
    by: Legal department
    on: 2026-09-15
  kz.owner.risk_management:
    document: risk-plan.txt
    answer: yes
    by: Chief Risk Officer
    on: 2026-10-01
    note: Reviewed by the board.
"""


def test_prohibited_capability_blocks_and_comes_first(tmp_path):
    manifest = write(tmp_path, PROHIBITED)
    done = run("assess", manifest, "--format", "json", home=tmp_path / "home")
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert report["verdict"] == "blocked"
    first = next(o for o in report["obligations"] if o["id"] == report["gaps"][0])
    assert first["kind"] == "prohibition" and first["status"] == "not_met" and first["blocking"]
    assert "social_scoring" in first["reason"]
    # It points at the capabilities line, read from the file independently.
    assert first["line"] == line_of(manifest, "capabilities:")


def test_capability_removed_and_evidence_present_passes(tmp_path):
    (tmp_path / "risk-plan.txt").write_text("Risks: drift, bias, outages. Measures: ...\n")
    manifest = write(tmp_path, BASE + "capabilities: [profiling]\n" + EVIDENCE)
    done = run("assess", manifest, "--format", "json", home=tmp_path / "home")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["blocking"] == []
    by_id = {o["id"]: o for o in report["obligations"]}
    assert by_id["kz.users.agreement"]["status"] == "met"
    risk = by_id["kz.owner.risk_management"]
    assert risk["status"] == "met"
    import hashlib

    expected = hashlib.sha256((tmp_path / "risk-plan.txt").read_bytes()).hexdigest()
    assert risk["evidence"][0]["inputs"]["document"]["sha256"] == expected


def test_high_risk_duty_not_met_blocks(tmp_path):
    # Emergency triage of patients is high risk (the hospital example's use).
    text = (BASE.replace("essential_services.creditworthiness", "essential_services.emergency_triage")
            .replace("moral_or_material_harm", "life_health"))
    text += "evidence:\n  kz.owner.risk_management:\n    answer: no\n    by: Head of IT\n    on: 2026-10-01\n"
    manifest = write(tmp_path, text)
    done = run("assess", manifest, "--format", "json", home=tmp_path / "home")
    report = json.loads(done.stdout)
    assert report["classification"]["kz"]["risk"] == "high", report["classification"]["trace"]
    assert done.returncode == 1
    assert report["blocking"] == ["kz.owner.risk_management"]
    gap = next(o for o in report["obligations"] if o["id"] == "kz.owner.risk_management")
    assert gap["line"] == line_of(manifest, "kz.owner.risk_management:")
    # The same duty answered yes no longer blocks.
    write(tmp_path, text.replace("answer: no", "answer: yes"))
    assert run("assess", manifest, "--format", "json", home=tmp_path / "home").returncode == 0


def test_unlabelled_synthetic_results_block(tmp_path):
    out = tmp_path / "outputs"
    out.mkdir()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(out / "portrait.png")
    text = (BASE.replace("essential_services.creditworthiness", "other.video_editing")
            + "synthetic_content:\n  media: [image]\n  imitates_real_persons: true\n"
            + "evidence:\n  kz.synthetic.machine_readable_mark:\n    check: verify\n    path: outputs\n")
    manifest = write(tmp_path, text)
    done = run("assess", manifest, "--run-checks", "--format", "json", home=tmp_path / "home")
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    mark = next(o for o in report["obligations"] if o["id"] == "kz.synthetic.machine_readable_mark")
    assert mark["status"] == "not_met" and mark["blocking"]
    assert mark["evidence"][0]["result"]["unlabelled"] == 1
    # Without --run-checks nothing was verified: not assessed, and still blocking.
    done = run("assess", manifest, "--format", "json", home=tmp_path / "home")
    mark = next(o for o in json.loads(done.stdout)["obligations"] if o["id"] == "kz.synthetic.machine_readable_mark")
    assert done.returncode == 1 and mark["status"] == "not_assessed"


def test_gap_order_prohibition_then_high_risk_then_transparency(tmp_path):
    text = (BASE.replace("essential_services.creditworthiness", "essential_services.emergency_triage")
            .replace("moral_or_material_harm", "life_health") + "capabilities: [social_scoring]\n")
    done = run("assess", write(tmp_path, text), "--format", "json", home=tmp_path / "home")
    report = json.loads(done.stdout)
    by_id = {o["id"]: o for o in report["obligations"]}
    kinds = [by_id[g]["stake"] for g in report["gaps"]]
    order = {"prohibition": 0, "high_risk": 1, "synthetic_labelling": 2, "transparency": 2, "duty": 3, "principle": 4, "voluntary": 5}
    assert kinds[0] == "prohibition"
    assert [order[k] for k in kinds] == sorted(order[k] for k in kinds)
    assert "high_risk" in kinds and "transparency" in kinds
