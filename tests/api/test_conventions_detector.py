"""docs/conventions.md, "How to add a detector": its worked example, dropped in
as one module and nothing else, is found by the library and the CLI.

The module is added to a copy of the package (never to the source tree), and
the copy is run in a fresh interpreter, because the engine builds its tables
when it is first imported.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _worked_example() -> str:
    doc = (ROOT / "docs/conventions.md").read_text(encoding="utf-8")
    section = doc[doc.index("## How to add a detector"):]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_the_worked_example_detector_needs_only_its_own_module(tmp_path):
    shutil.copytree(ROOT / "src/senim", tmp_path / "senim", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "senim/checks/personal_data/detectors/kz_plate.py").write_text(_worked_example(), encoding="utf-8")
    script = """
import doctest, importlib, json, sys
import senim
from senim.cli import main
plate = importlib.import_module("senim.checks.personal_data.detectors.kz_plate")
assert doctest.testmod(plate).failed == 0
found = [f.to_dict() if hasattr(f, "to_dict") else f._asdict() for f in senim.scan("Госномер: 123 ABC 02, ИИН 061211600012\\n")]
print(json.dumps({"file": senim.__file__, "found": found}))
sys.argv = ["senim", "scan", "-", "--types", "kz_plate", "--format", "json"]
main()
"""
    done = subprocess.run([sys.executable, "-c", script], input="номер машины 777 KZA 01\n".encode("utf-8"),
                          capture_output=True, cwd=tmp_path, env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin",
                                                                  "SENIM_HOME": str(tmp_path / "home")})
    assert done.returncode == 0, done.stderr.decode("utf-8")
    first, cli = done.stdout.decode("utf-8").split("\n", 1)
    library = json.loads(first)
    assert library["file"].startswith(str(tmp_path))  # the copy ran, not the source tree
    # the plate, masked as the example's mask says (keep the region code), and the IIN beside it
    assert [(f["type"], f["value"]) for f in library["found"]] == [("kz_plate", "******02"), ("kz_iin", "**********12")]
    assert [(f["type"], f["value"]) for f in json.loads(cli)["findings"]] == [("kz_plate", "******01")]
