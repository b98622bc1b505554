"""Kazakh passport numbers (biometric, since 2009): `N` and 8 digits.

The format has no check digit, so the scanner reports one only next to a
context word (паспорт, төлқұжат, passport).

>>> validate('n 1234 5678')
'N12345678'
>>> DETECTOR.mask('N12345678')
'N******78'
"""

from __future__ import annotations

from senim.checks.personal_data.detectors import Candidate, Detector, Hit, keep_ends
from senim.checks.personal_data.detectors._digits import clean
from senim.checks.personal_data.detectors.exceptions import InvalidFormat, InvalidLength


def compact(number: str) -> str:
    return clean(number).upper()


def validate(number: str) -> str:
    number = compact(number)
    if len(number) != 9:
        raise InvalidLength("a passport number is N and 8 digits")
    if number[0] != "N" or not number[1:].isdigit() or not number.isascii():
        raise InvalidFormat("a passport number is N and 8 digits")
    return number


def is_valid(number: str) -> bool:
    try:
        return bool(validate(number))
    except ValueError:
        return False


def format(number: str) -> str:
    return compact(number)


def _resolve(text: str, has) -> Hit | None:
    return Hit("kz_passport", 0.85) if has("kz_passport") and is_valid(text) else None


DETECTOR = Detector(
    type="kz_passport",
    priority=5,
    order=80,
    candidates=(Candidate("passport", rb"[Nn] ?[0-9]{8}", _resolve, delimited=True),),
    mask=lambda value: keep_ends(value, 1, 2),
    compact=compact,
    context=("паспорт", "төлқұжат", "passport", "паспорта"),
    description="Kazakh passport numbers, beside a context word",
)
