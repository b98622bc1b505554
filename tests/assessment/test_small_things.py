"""Small things users tripped on: `senim --version`, and `assess` storing into
./senim.db when it exists, like the other registry commands."""

from __future__ import annotations

import json
import shutil
import subprocess
import tomllib

from tests.assessment.assess_helpers import BASE, ROOT, SENIM, run, write


def test_version_is_the_package_version(tmp_path):
    expected = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    done = subprocess.run([str(SENIM), "--version"], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout == f"senim {expected}\n"


def test_assess_uses_senim_db_in_the_current_folder_when_it_exists(tmp_path):
    manifest = write(tmp_path, BASE)
    home = tmp_path / "home"
    # No ./senim.db: nothing is stored, and none is created.
    done = subprocess.run([str(SENIM), "assess", manifest, "--format", "json"], capture_output=True, text=True,
                          cwd=tmp_path, env={**__import__("os").environ, "SENIM_HOME": str(home)})
    assert "ledger" not in json.loads(done.stdout) and not (tmp_path / "senim.db").exists()
    assert run("register", manifest, "--db", tmp_path / "senim.db", home=home).returncode == 0
    done = subprocess.run([str(SENIM), "assess", manifest, "--format", "json"], capture_output=True, text=True,
                          cwd=tmp_path, env={**__import__("os").environ, "SENIM_HOME": str(home)})
    report = json.loads(done.stdout)
    assert report["ledger"]["database"].endswith("senim.db") and report["ledger"]["seq"] == 2
    verified = subprocess.run([str(SENIM), "ledger", "verify"], capture_output=True, text=True, cwd=tmp_path,
                              env={**__import__("os").environ, "SENIM_HOME": str(home)})
    assert verified.returncode == 0 and "2 entries" in verified.stdout  # the registration and the assessment
