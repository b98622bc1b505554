"""Print the Latin spellings of the Cyrillic given names Senim ships.

    python scripts/given_names_latin.py > src/senim/checks/personal_data/data/given_names_latin.txt

Passports, bank records and chats write Kazakh and Russian names in Latin
letters in a few common styles (`Айгерим` as Aigerim, `Кайрат` as Kairat or
Qairat). Computing them at every start cost each scanning process several
milliseconds, so they are made once here; a test checks that the shipped
file equals what this script prints, so run it again after editing
given_names_kk.txt or given_names_ru.txt.
"""

from __future__ import annotations

import sys
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "src/senim/checks/personal_data/data"
SOURCES = ("given_names_kk.txt", "given_names_ru.txt")

CYR_TO_LAT = {
    "а": "a", "ә": "a", "б": "b", "в": "v", "г": "g", "ғ": "g", "д": "d", "е": "e", "ё": "yo",
    "ж": "zh", "з": "z", "и": "i", "й": "y", "к": "k", "қ": "k", "л": "l", "м": "m", "н": "n",
    "ң": "n", "о": "o", "ө": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ұ": "u",
    "ү": "u", "ф": "f", "х": "kh", "һ": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch",
    "ъ": "", "ы": "y", "і": "i", "ь": "", "э": "e", "ю": "yu", "я": "ya",
}


def latin(word: str) -> set[str]:
    """Latin spellings of a Cyrillic name in the common passport styles."""
    base = "".join(CYR_TO_LAT.get(c, c) for c in word.lower())
    variants = {base, base.replace("y", "i"), base.replace("kh", "h"), base.replace("k", "q")}
    if base.endswith("iy"):
        variants |= {base[:-2] + "y", base[:-2] + "i"}
    return {v.capitalize() for v in variants if v}


def names(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def render() -> str:
    spellings = sorted({s for source in SOURCES for name in names(DATA / source) for s in latin(name)})
    header = [
        "# Latin spellings of the Cyrillic given names in " + " and ".join(SOURCES) + ";",
        "# made by scripts/given_names_latin.py, do not edit by hand.",
    ]
    return "\n".join(header + spellings) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render())
