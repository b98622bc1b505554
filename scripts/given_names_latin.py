"""Print the Latin spellings of the Cyrillic given names Senim ships.

    python scripts/given_names_latin.py > src/senim/checks/personal_data/data/given_names_latin.txt

Passports, bank records and chats write Kazakh and Russian names in Latin
letters in a few common styles (`Айгерим` as Aigerim, `Кайрат` as Kairat or
Qairat): the passport transliteration (ICAO Doc 9303, Part 3), the looser
spellings people type, and for Kazakh names the official Kazakh Latin
alphabet of 2021 (`Әйгерім` as Äigerım, `Сейтқали` as Seitqali). Each line
is a spelling and, after a tab, the lists it comes from (kk, ru). Computing them at every start cost each scanning process several
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


# ICAO Doc 9303 Part 3 (machine-readable passports), Cyrillic letters
ICAO = dict(CYR_TO_LAT, **{"ё": "e", "й": "i", "ю": "iu", "я": "ia", "ъ": "ie"})
# The Kazakh Latin alphabet of 2021 (Kazakh letters; Russian ones as people write them)
KAZAKH_LATIN = dict(CYR_TO_LAT, **{
    "ә": "ä", "ғ": "ğ", "ж": "j", "и": "i", "й": "i", "қ": "q", "ң": "ñ", "ө": "ö", "ұ": "ū", "ү": "ü",
    "ш": "ş", "щ": "şş", "ы": "y", "і": "ı", "ё": "io", "ю": "iu", "я": "ia", "х": "h",
})


def latin(word: str, kazakh: bool = False) -> set[str]:
    """Latin spellings of a Cyrillic name in the common styles."""
    spell = lambda table: "".join(table.get(c, c) for c in word.lower())  # noqa: E731
    base = spell(CYR_TO_LAT)
    variants = {base, base.replace("y", "i"), base.replace("kh", "h"), base.replace("k", "q"), spell(ICAO)}
    if base.endswith("iy"):
        variants |= {base[:-2] + "y", base[:-2] + "i"}
    if kazakh:
        variants.add(spell(KAZAKH_LATIN))
    return {v[:1].upper() + v[1:] for v in variants if v}


def names(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def render() -> str:
    origins: dict[str, set[str]] = {}
    for source in SOURCES:
        lang = source.removeprefix("given_names_").removesuffix(".txt")
        for name in names(DATA / source):
            for spelling in latin(name, kazakh=lang == "kk"):
                origins.setdefault(spelling, set()).add(lang)
    header = [
        "# Latin spellings of the Cyrillic given names in " + " and ".join(SOURCES) + ",",
        "# each with the lists it comes from; made by scripts/given_names_latin.py, do not edit by hand.",
    ]
    lines = [f"{spelling}\t{','.join(sorted(langs))}" for spelling, langs in sorted(origins.items())]
    return "\n".join(header + lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render())
