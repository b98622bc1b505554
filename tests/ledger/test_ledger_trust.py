"""The ledger's trust made explicit (issue 17): what `senim ledger verify` may
call intact, with a pinned key or an earlier checkpoint."""

from __future__ import annotations

from registry_helpers import ROOT, run_cli


def test_D1_a_manifest_with_5e20_flops_registers_and_verifies(db_url, tmp_path):
    manifest = (ROOT / "examples" / "kazakh-llm" / "senim.yaml").read_text(encoding="utf-8")
    assert "training_compute_flops: 3e24" in manifest
    path = tmp_path / "senim.yaml"
    path.write_text(manifest.replace("3e24", "5e20"), encoding="utf-8")
    registered = run_cli("register", str(path), "--db", db_url)
    assert registered.returncode == 0, registered.stderr
    verified = run_cli("ledger", "verify", "--db", db_url)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "intact" in verified.stdout
    shown = run_cli("show", "kazakh-llm", "--db", db_url, "--format", "json")
    assert "500000000000000000000" in shown.stdout or "5e+20" in shown.stdout
