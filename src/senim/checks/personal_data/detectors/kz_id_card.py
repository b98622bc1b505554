"""Kazakh identity card (удостоверение личности, жеке куәлік) numbers: 9 digits.

No check digit: the scanner reports one only next to a context word.

>>> validate('043 211 987')
'043211987'
"""

from __future__ import annotations

from senim.checks.personal_data.detectors._digits import clean
from senim.checks.personal_data.detectors.exceptions import InvalidFormat, InvalidLength


def compact(number: str) -> str:
    return clean(number)


def validate(number: str) -> str:
    number = compact(number)
    if not number.isascii() or not number.isdigit():
        raise InvalidFormat("an identity card number has only digits")
    if len(number) != 9:
        raise InvalidLength("an identity card number has 9 digits")
    return number


def is_valid(number: str) -> bool:
    try:
        return bool(validate(number))
    except ValueError:
        return False


def format(number: str) -> str:
    return compact(number)
