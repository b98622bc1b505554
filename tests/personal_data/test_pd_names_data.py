"""The name lists shipped for person_name, and what its first use costs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from senim.checks.personal_data.detectors import person_name

ROOT = Path(__file__).resolve().parents[2]
LATIN = ROOT / "src/senim/checks/personal_data/data/given_names_latin.txt"


def test_shipped_latin_spellings_equal_what_the_script_makes():
    fresh = subprocess.run(
        [sys.executable, str(ROOT / "scripts/given_names_latin.py")], capture_output=True, text=True, check=True
    ).stdout
    assert LATIN.read_text(encoding="utf-8") == fresh, "run scripts/given_names_latin.py > " + str(LATIN.relative_to(ROOT))


@pytest.mark.parametrize("name", ["Aigerim Sadykova", "Kairat Nurlanov", "Dmitry Ivanov", "Dmitriy Ivanov", "Nurlan Abishev"])
def test_latin_spellings_of_kazakh_and_russian_given_names_are_names(name):
    assert person_name.is_valid(name)
