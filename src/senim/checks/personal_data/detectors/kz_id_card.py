"""Kazakh identity card (удостоверение личности, жеке куәлік) numbers: 9 digits.

No check digit: the scanner reports one only next to a context word.

>>> validate('043 211 987')
'043211987'
>>> DETECTOR.mask('043211987')
'*******87'
"""

from __future__ import annotations

from senim.checks.personal_data.detectors import Candidate, Detector, Hit, keep_last_digits
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


def _resolve(text: str, has) -> Hit | None:
    return Hit("kz_id_card", 0.75) if has("kz_id_card") and is_valid(text) else None


DETECTOR = Detector(
    type="kz_id_card",
    priority=4,
    order=90,
    candidates=(Candidate("id9", rb"[0-9]{9}", _resolve, delimited=True),),
    mask=lambda value: keep_last_digits(value, 2),
    compact=compact,
    context=("удостоверени", "уд. личности", "уд.л", "жеке куәлік", "жеке куәлiк", "куәлік", "id card",
             "identity card", "ID-карт", "документ"),
    description="Kazakh identity card numbers, beside a context word",
)
