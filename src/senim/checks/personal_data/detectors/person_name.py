"""Person names in Kazakh, Russian and English, as people write them.

A name is two to four capitalised words, each a given name, a surname or a
patronymic, with at least one given name or patronymic and at least one
surname or patronymic (`Нұрлан Әбішұлы`, `Нұрлан-ұлы`, `Иванов Пётр Сергеевич`,
`Aigerim Nurlanovna Sadykova`), or a given name followed by a Kazakh given
name standing as the family name (`Әйгерім Сейтқали`, `Aigerim Seitkali`,
`Äigerım Seitqali` in the Kazakh Latin alphabet); or a given name alone right
after a word that introduces one (`Аты: Әйгерім`, `Имя: Айгерим`, `Dear Aigerim`). Words are known by the dictionaries shipped
in `personal_data/data/`, by patronymic and surname endings, and for Russian
by pymorphy3's `Name`, `Surn` and `Patr` tags on any of its parses; pymorphy3
is loaded only for a run of words the lists and endings cannot settle.

>>> is_valid('Иванов Пётр Сергеевич'), is_valid('Әйгерім Сейтқали'), is_valid('Aigerim Seitkali')
(True, True, True)
>>> DETECTOR.mask('Иванов Пётр')
'И*** П***'
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from senim.checks.personal_data.detectors import Candidate, Detector, Hit
from senim.checks.personal_data.detectors.exceptions import InvalidComponent, InvalidFormat

GIVEN, SURNAME, PATRONYMIC = "given", "surname", "patronymic"
# A Kazakh given name: beside another given name it may stand as the family
# name (Kazakh family names are often a father's or grandfather's name).
KAZAKH_GIVEN = "kazakh_given"
# A Cyrillic word that neither the dictionaries nor pymorphy3 know (many
# Kazakh given names): it may stand as the given name beside a surname.
UNKNOWN = "unknown"

PATRONYMIC_ENDINGS = (
    "ович", "евич", "ьич", "ична", "овна", "евна", "инична",
    "ұлы", "улы", "қызы", "кызы",
    "ovich", "evich", "ovna", "evna", "uly", "kyzy", "qyzy", "ūly", "ulı", "qızı",
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

    latin = dict(line.split("\t") for line in read("given_names_latin.txt"))
    kazakh = read("given_names_kk.txt") | {word for word, origin in latin.items() if "kk" in origin}
    given = kazakh | read("given_names_ru.txt") | read("given_names_en.txt") | set(latin)
    return {GIVEN: frozenset(given), KAZAKH_GIVEN: frozenset(kazakh), SURNAME: frozenset(read("surnames_en.txt"))}


@lru_cache(maxsize=1)
def _morph():
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang="ru")


_CYRILLIC = re.compile(r"[а-яёәғқңөұүһі]", re.I)
_HYPHEN_PATRONYMIC = ("-ұлы", "-улы", "-қызы", "-кызы", "-uly", "-ūly", "-kyzy", "-qyzy")


@lru_cache(maxsize=65536)
def _listed(word: str) -> tuple[frozenset[str], bool]:
    """The roles the dictionaries and endings give a word, and whether
    pymorphy3 may still add to them (a Cyrillic word not known as a given name)."""
    if word in NOT_NAMES:
        return frozenset(), False
    lower = word.lower()
    if "-" in word and lower.endswith(_HYPHEN_PATRONYMIC):
        return frozenset((PATRONYMIC, SURNAME)), False  # Нұрлан-ұлы
    if "-" in word:
        parts = [_listed(part) for part in word.split("-") if part]
        return frozenset().union(*(r for r, _ in parts)), any(open_ for _, open_ in parts)
    found: set[str] = set()
    known = dictionaries()
    if word in known[GIVEN]:
        found.add(GIVEN)
    if word in known[KAZAKH_GIVEN]:
        found.add(KAZAKH_GIVEN)
    if word in known[SURNAME]:
        found.add(SURNAME)
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
    # A given name and a Kazakh given name as the family name: `Әйгерім Сейтқали`.
    if len(kinds) == 2 and GIVEN in kinds[0] and KAZAKH_GIVEN in kinds[1] and not kinds[0] & {PATRONYMIC}:
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


# ------------------------------------------------------------ in the engine

# Capital and small letters as UTF-8 bytes: Latin (with the letters of the
# Kazakh Latin alphabet), Russian and Kazakh Cyrillic.
CAP = (rb"(?:[A-Z]|\xD0[\x81\x86\x90-\xAF]|\xD2[\x92\x9A\xA2\xAE\xB0\xBA]|\xD3[\x98\xA8]"
       rb"|\xC3[\x84\x91\x96\x9C]|\xC4[\x9E\xB0]|\xC5[\x9E\xAA])")
LOW = (rb"(?:[a-z]|\xD0[\xB0-\xBF]|\xD1[\x80-\x8F\x91\x96]|\xD2[\x93\x9B\xA3\xAF\xB1\xBB]|\xD3[\x99\xA9]"
       rb"|\xC3[\xA4\xB1\xB6\xBC]|\xC4[\x9F\xB1]|\xC5[\x9F\xAB])")
_SUFFIX = b"|".join(s[1:].encode() for s in _HYPHEN_PATRONYMIC)
WORD = CAP + LOW + rb"+(?:-(?:" + CAP + LOW + rb"+|" + _SUFFIX + rb"))?"
# Two or more capitalised words, then one byte that is no letter (or the line's end).
PATTERN = WORD + rb"(?: " + WORD + rb")+(?:[^A-Za-z\x80-\xff]|$)"

# The leftmost start of a candidate, found again from its end: Hyperscan's
# start-of-match tracking costs as much as the rest of the patterns together.
_TAIL = re.compile(rb"(?:" + WORD + rb" )+" + WORD + rb"(?:[^A-Za-z\x80-\xff])?\Z")
_LOOKBACK = 96  # bytes; a longer run of capitalised words widens the look


def start_of(data: bytes, end: int) -> int:
    """Where the longest candidate that Hyperscan reported ending at `end` begins."""
    line_start = data.rfind(b"\n", 0, end - 1) + 1
    low = max(line_start, end - _LOOKBACK)
    while True:
        match = _TAIL.search(data, low, end)
        if match is None:  # cannot happen for an end Hyperscan reported; keep the end alone
            return end
        start = match.start()
        if low == line_start:
            return start
        # The run goes on to the left only through a space or hyphen after a
        # letter; then it may have begun before the window: look further.
        joiner = data[start - 1] in (0x20, 0x2D)
        letter = data[start - 2] >= 0x80 or 0x61 <= data[start - 2] <= 0x7A
        if start > low and not (joiner and letter):
            return start
        low = max(line_start, low - 4 * _LOOKBACK)


_ASCII_WORD = frozenset(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


def _boundary(data: bytes, start: int, end: int) -> bool:
    before = data[start - 1] if start else None
    after = data[end] if end < len(data) else None
    return (before is None or (before < 0x80 and before not in _ASCII_WORD)) and (
        after is None or after < 0x80 and after not in _ASCII_WORD)


def _resolve(text: str, has) -> Hit | None:
    return _name_in(text)


@lru_cache(maxsize=16384)
def _name_in(text: str) -> Hit | None:
    """The name in a run of capitalised words (cached: the same people recur
    in logs and chats)."""
    words = text.split(" ")
    span = find(words)
    if span is None:
        return None
    i, j = span
    offsets = [0]
    for w in words:
        offsets.append(offsets[-1] + len(w.encode("utf-8")) + 1)
    return Hit("person_name", 0.85 if j - i >= 3 else 0.7, offsets[i], offsets[j] - 1)


_INTRO_GAP = re.compile(rb"[ \t]*(?::|-|=|\xe2\x80\x94|\xe2\x80\x93)?[ \t]*")
_FIRST_WORD = re.compile(WORD + rb"(?![A-Za-z\x80-\xff])")


def after_context(data: bytes, end: int) -> tuple[int, int, float] | None:
    """A given name alone right after a word that introduces one (`Аты: Әйгерім`)."""
    if end < len(data) and (data[end] >= 0x80 or chr(data[end]).isalpha()):
        return None  # the context word goes on (`Атырау` is no `Аты`)
    gap = _INTRO_GAP.match(data, end)
    word = _FIRST_WORD.match(data, gap.end())
    if word is None:
        return None
    if GIVEN not in _listed(word.group().decode("utf-8", "replace"))[0]:
        return None
    return word.start(), word.end(), 0.6


def _mask(value: str) -> str:
    """Initials: `И*** П***`."""
    return " ".join(w[:1] + "***" for w in value.split(" "))


DETECTOR = Detector(
    type="person_name",
    priority=2,
    order=100,
    candidates=(Candidate("name", PATTERN, _resolve, start=start_of, trailing=True, boundary=_boundary,
                          decode="utf-8", longest_only=True),),
    mask=_mask,
    compact=lambda value: " ".join(value.lower().split()),
    context=("аты", "есімі", "есім", "аты-жөні", "имя", "фио", "ф.и.о", "name", "first name", "given name",
             "клиент", "уважаем", "құрметті", "dear"),
    anchored=after_context,
    contact=False,
    description="person names: given names, surnames, patronymics in kk/ru/en and Latin spellings",
)
