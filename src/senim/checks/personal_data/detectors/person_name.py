"""Person names in Kazakh, Russian and English.

A name is two to four capitalised words, each a given name, a surname or a
patronymic, with at least one given name or patronymic and at least one
surname or patronymic (`Нұрлан Әбішұлы`, `Иванов Пётр Сергеевич`,
`Aigerim Nurlanovna Sadykova`). Words are known by the dictionaries shipped
in `personal_data/data/`, by patronymic and surname endings, and for Russian
by pymorphy3's `Name`, `Surn` and `Patr` tags on any of its parses; pymorphy3
is loaded only for a run of words the lists and endings cannot settle.

>>> is_valid('Иванов Пётр Сергеевич')
True
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from senim.checks.personal_data.detectors.exceptions import InvalidComponent, InvalidFormat

GIVEN, SURNAME, PATRONYMIC = "given", "surname", "patronymic"
# A Cyrillic word that neither the dictionaries nor pymorphy3 know (many
# Kazakh given names): it may stand as the given name beside a surname.
UNKNOWN = "unknown"

PATRONYMIC_ENDINGS = (
    "ович", "евич", "ьич", "ична", "овна", "евна", "инична",
    "ұлы", "улы", "қызы", "кызы",
    "ovich", "evich", "ovna", "evna", "uly", "uly", "kyzy", "qyzy", "ūly", "ulı", "qızı",
)
SURNAME_ENDINGS = (
    "ов", "ова", "ев", "ева", "ёв", "ёва", "ин", "ина", "ын", "ына",
    "ский", "ская", "цкий", "цкая", "ской", "енко", "ук", "юк",
    "ov", "ova", "ev", "eva", "yev", "yeva", "in", "ina", "sky", "skiy", "skaya", "enko",
)
# Common capitalised words that end like surnames but are not (Kazakh and Russian
# words at the start of a sentence, place names).
NOT_NAMES = frozenset(
    """Магазин Магазина Основа Алматы Астана Москва Россия Казахстан Қазақстан Банк Договор
    Привет Спасибо Здравствуйте Салем Сәлем Рахмет Добрый Уважаемый Уважаемая Кредит Карта Заказ
    Hello Dear Thanks Thank Please Order Bank Card Account Mr Mrs Ms Dr""".split()
)


@lru_cache(maxsize=None)
def dictionaries() -> dict[str, frozenset[str]]:
    """Given names (with the Latin spellings of the Cyrillic ones, made ahead by
    scripts/given_names_latin.py) and English surnames."""
    folder = resources.files("senim.checks.personal_data") / "data"

    def read(name: str) -> set[str]:
        text = (folder / name).read_text(encoding="utf-8")
        return {line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")}

    given = set().union(*(read(f"given_names_{part}.txt") for part in ("kk", "ru", "latin", "en")))
    return {GIVEN: frozenset(given), SURNAME: frozenset(read("surnames_en.txt"))}


@lru_cache(maxsize=1)
def _morph():
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang="ru")


_CYRILLIC = re.compile(r"[а-яёәғқңөұүһі]", re.I)


@lru_cache(maxsize=65536)
def _listed(word: str) -> tuple[frozenset[str], bool]:
    """The roles the dictionaries and endings give a word, and whether
    pymorphy3 may still add to them (a Cyrillic word not known as a given name)."""
    if word in NOT_NAMES:
        return frozenset(), False
    if "-" in word:
        parts = [_listed(part) for part in word.split("-") if part]
        return frozenset().union(*(r for r, _ in parts)), any(open_ for _, open_ in parts)
    found: set[str] = set()
    known = dictionaries()
    if word in known[GIVEN]:
        found.add(GIVEN)
    if word in known[SURNAME]:
        found.add(SURNAME)
    lower = word.lower()
    if len(word) > 4 and lower.endswith(PATRONYMIC_ENDINGS):
        found.add(PATRONYMIC)
    elif len(word) > 3 and lower.endswith(SURNAME_ENDINGS):
        found.add(SURNAME)
    return frozenset(found), GIVEN not in found and bool(_CYRILLIC.search(word))


@lru_cache(maxsize=65536)
def roles(word: str) -> frozenset[str]:
    """What a capitalised word can be in a name: given, surname, patronymic."""
    if word in NOT_NAMES:
        return frozenset()
    if "-" in word:
        parts = [roles(part) for part in word.split("-") if part]
        return frozenset().union(*parts) if parts else frozenset()
    listed, open_ = _listed(word)
    if not open_:
        return listed
    found = set(listed)
    parses = _morph().parse(word)
    if not found and not any(p.is_known for p in parses):
        return frozenset((UNKNOWN,))
    for parse in parses:
        tag = parse.tag
        if "Name" in tag:
            found.add(GIVEN)
        if "Surn" in tag:
            found.add(SURNAME)
        if "Patr" in tag:
            found.add(PATRONYMIC)
    return frozenset(found)


def is_name(words: list[str]) -> bool:
    """Do these capitalised words, in this order, make a person's name?"""
    if not 2 <= len(words) <= 4:
        return False
    listed = [_listed(w) for w in words]
    # pymorphy3 (slow to load) is asked only when its answer can change the
    # verdict. To a word the lists place it only adds roles (and UNKNOWN only
    # beside them, in a double-barrelled word), which never undoes a name:
    # a name by the lists alone stays one. A word that neither the lists nor
    # pymorphy3 may place leaves no name, whatever pymorphy3 says of the others.
    if _name_of([r for r, _ in listed]):
        return True
    if not any(open_ for _, open_ in listed) or not all(r or open_ for r, open_ in listed):
        return False
    return _name_of([roles(w) for w in words])


def _name_of(kinds: list[frozenset[str]]) -> bool:
    """Is a run of words with these roles a name?"""
    if not all(kinds):
        return False
    has = set().union(*kinds)
    if UNKNOWN in has:
        # an unknown word only beside a word that is surely a family name or patronymic
        if sum(1 for k in kinds if k == {UNKNOWN}) > 1 or not has & {SURNAME, PATRONYMIC}:
            return False
        return True
    first_or_middle = GIVEN in has or PATRONYMIC in has
    family = SURNAME in has or PATRONYMIC in has
    # A given name beside a patronymic or surname; two given names only if one
    # of them can also be a family name.
    if sum(1 for k in kinds if k & {GIVEN}) == len(kinds) and not (has & {SURNAME, PATRONYMIC}):
        return False
    return first_or_middle and family


def find(words: list[str]) -> tuple[int, int] | None:
    """The longest run of `words` (a list of capitalised words) that is a name,
    as (first index, end index), or None."""
    n = len(words)
    for size in range(min(4, n), 1, -1):
        for i in range(0, n - size + 1):
            if is_name(words[i:i + size]):
                return i, i + size
    return None


def compact(name: str) -> str:
    return " ".join(name.split())


def validate(name: str) -> str:
    name = compact(name)
    words = name.split(" ")
    if not all(w[:1].isupper() for w in words):
        raise InvalidFormat("each word of a name starts with a capital letter")
    if not is_name(words):
        raise InvalidComponent("these words are not known as a given name with a surname or patronymic")
    return name


def is_valid(name: str) -> bool:
    try:
        return bool(validate(name))
    except ValueError:
        return False


def format(name: str) -> str:
    return compact(name)
