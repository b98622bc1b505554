"""Kazakh passport numbers (biometric, since 2009): `N` and 8 digits.

The format has no check digit, so the scanner reports one only next to a
context word (паспорт, төлқұжат, passport).

>>> validate('n 1234 5678')
'N12345678'
"""

from __future__ import annotations

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
