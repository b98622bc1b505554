"""Telephone numbers: Kazakh numbers in every common spelling, others by E.164.

Kazakhstan shares the country code +7 with Russia; its numbers are the +7 7xx
range (mobile 70x, 747, 75x, 771, 775–778; fixed lines 7xx area codes). They
are written `+7 701 234 56 78`, `8 (727) 250-12-34`, `87012345678`,
`+77012345678`. Numbers of other countries (E.164, `+` and 8–15 digits) are
only reported next to a context word, by the scanner.

>>> validate('8 (727) 250-12-34')
'+77272501234'
>>> DETECTOR.mask('+7 701 234 56 78')
'+* *** *** ** 78'
"""

from __future__ import annotations

from senim.checks.personal_data.detectors import Candidate, Detector, Hit, keep_last_digits
from senim.checks.personal_data.detectors._digits import clean
from senim.checks.personal_data.detectors.exceptions import InvalidComponent, InvalidFormat, InvalidLength


def compact(number: str) -> str:
    """E.164 form: `+` and digits; Kazakh trunk prefix 8 becomes +7."""
    raw = clean(number)
    if raw.startswith("+"):
        return raw
    if len(raw) == 11 and raw[0] in "78":
        return "+7" + raw[1:]
    if len(raw) == 10 and raw[0] == "7":
        return "+7" + raw
    return raw


def is_kazakh(number: str) -> bool:
    n = compact(number)
    return len(n) == 12 and n.startswith("+77") and n[1:].isdigit()


def validate(number: str) -> str:
    """A Kazakh number in E.164 form, or raise."""
    n = compact(number)
    if not n.startswith("+") or not n[1:].isdigit() or not n.isascii():
        raise InvalidFormat("a phone number is + and digits (or 8 and ten digits)")
    if not n.startswith("+7"):
        raise InvalidComponent("not a +7 number")
    if len(n) != 12:
        raise InvalidLength("a +7 number has ten digits after the country code")
    if n[2] != "7":
        raise InvalidComponent("Kazakh numbers are in the +7 7xx range")
    return n


def validate_international(number: str) -> str:
    """Any E.164 number: `+`, a country code not starting with 0, 8–15 digits."""
    n = compact(number)
    if not n.startswith("+") or not n[1:].isdigit() or not n.isascii():
        raise InvalidFormat("an international number is + and digits")
    if n[1] == "0":
        raise InvalidComponent("country codes do not start with 0")
    if not 8 <= len(n) - 1 <= 15:
        raise InvalidLength("an E.164 number has 8 to 15 digits")
    return n


def is_valid(number: str) -> bool:
    try:
        return bool(validate(number))
    except ValueError:
        return False


def format(number: str) -> str:
    n = validate(number)
    return f"+7 {n[2:5]} {n[5:8]} {n[8:10]} {n[10:12]}"


def _kazakh(text: str, has) -> Hit:
    # the pattern admits only +7 7xx numbers of ten digits: is_valid holds
    # for every match (tests/personal_data/test_pd_fastpaths.py)
    return Hit("phone", 0.95 if has("phone") else 0.8)


def _kazakh_many(buffer, starts, ends, near):
    import numpy as np

    taken = np.ones(len(starts), dtype=bool)
    return taken, np.where(near("phone"), 0.95, 0.8), taken


def _international(text: str, has) -> Hit | None:
    try:
        validate_international(text)
    except ValueError:
        return None
    if is_valid(text):
        return Hit("phone", 0.95 if has("phone") else 0.8)
    return Hit("phone", 0.75) if has("phone") else None


KAZAKH = (
    rb"(?:\+7|8|7)[ -]?(?:\(7[0-9]{2}\)|7[0-9]{2})[ -]?[0-9]{3}[ -]?[0-9]{2}[ -]?[0-9]{2}"
    rb"|(?:\+7|8)[ -]?(?:\(7[0-9]{3}\)|7[0-9]{3})[ -]?[0-9]{2}[ -]?[0-9]{2}[ -]?[0-9]{2}"
)
INTERNATIONAL = rb"\+[1-9][0-9 ()-]{6,20}[0-9]"

DETECTOR = Detector(
    type="phone",
    priority=6,
    order=50,
    candidates=(
        Candidate("phone_kz", KAZAKH, _kazakh, delimited=True, resolve_many=_kazakh_many),
        Candidate("phone_intl", INTERNATIONAL, _international, delimited=True),
    ),
    mask=lambda value: keep_last_digits(value, 2),
    compact=compact,
    context=("тел", "телефон", "моб", "phone", "tel", "mobile", "whatsapp", "звоните", "перезвон", "қоңырау",
             "нөмір", "номер", "ұялы"),
    contact=True,
    description="telephone numbers: Kazakh +7 7xx in every spelling; other E.164 numbers beside a context word",
)
