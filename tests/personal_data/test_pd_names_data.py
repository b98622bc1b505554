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


def _first_use(words: str) -> tuple[str, bool]:
    """find() in a fresh process: its answer, and whether pymorphy3 got loaded."""
    code = (
        "import sys; from senim.checks.personal_data.detectors import person_name as p; "
        "print(p.find(sys.argv[1].split()), 'pymorphy3' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code, words], capture_output=True, text=True, check=True).stdout
    span, loaded = out.rsplit(" ", 1)
    return span, loaded.strip() == "True"


@pytest.mark.parametrize("words", [
    "Иванов Пётр Сергеевич", "Айгерим Нурланова", "Серик Ахметов", "Мария Петрова", "Aigerim Sadykova",
])
def test_names_the_lists_settle_do_not_load_pymorphy3(words):
    span, loaded = _first_use(words)
    assert span == f"(0, {len(words.split())})"
    assert not loaded


@pytest.mark.parametrize("words, span", [
    ("Ефим Шифрин", "(0, 2)"),  # Ефим is in no list: pymorphy3 knows it as a given name
    ("Вчера Мария", "None"),  # Вчера is in no list: pymorphy3 knows it is no name
])
def test_words_the_lists_cannot_settle_are_asked_of_pymorphy3(words, span):
    assert _first_use(words) == (span, True)
