"""BIN (БИН, БСН): the Kazakh business identification number.

Twelve digits `YYMM T A NNNNN K`: year and month of registration, the type
(4 resident, 5 non-resident legal entity, 6 joint individual entrepreneurship),
the attribute (0 head office, 1 branch, 2 representative office, 3 peasant
farm) and the IIN check digit.

>>> validate('940140000385')
'940140000385'
>>> DETECTOR.mask('940140000385')
'**********85'
"""

from __future__ import annotations

from senim.checks.personal_data.detectors import Candidate, Detector, Hit, keep_last_digits
from senim.checks.personal_data.detectors._digits import clean
from senim.checks.personal_data.detectors.exceptions import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
)
from senim.checks.personal_data.detectors.kz_iin import DIGITS12, calc_check_digit, check_digits_ok, digits_many
from senim.identifiers import kz_check_digit

TYPES = {"4": "resident legal entity", "5": "non-resident legal entity", "6": "joint individual entrepreneurship"}
ATTRIBUTES = {"0": "head office", "1": "branch", "2": "representative office", "3": "peasant farm"}


def compact(number: str) -> str:
    return clean(number)


def validate(number: str) -> str:
    number = compact(number)
    if not number.isdigit() or not number.isascii():
        raise InvalidFormat("a BIN has only digits")
    if len(number) != 12:
        raise InvalidLength("a BIN has 12 digits")
    if not 1 <= int(number[2:4]) <= 12:
        raise InvalidComponent("digits 3-4 must be a month")
    if number[4] not in TYPES:
        raise InvalidComponent("the fifth digit (type) must be 4, 5 or 6")
    if number[5] not in ATTRIBUTES:
        raise InvalidComponent("the sixth digit (attribute) must be 0 to 3")
    if calc_check_digit(number) != number[11]:
        raise InvalidChecksum("the check digit does not match")
    return number


def is_valid(number: str) -> bool:
    try:
        return bool(validate(number))
    except ValueError:
        return False


def format(number: str) -> str:
    return compact(number)


def _resolve(text: str, has) -> Hit | None:
    k = kz_check_digit(text)
    if k is None or k != ord(text[11]) - 48:
        return None
    if not (1 <= int(text[2:4]) <= 12 and text[4] in TYPES and text[5] in ATTRIBUTES):
        return None
    return Hit("kz_bin", 0.99 if has("kz_bin") else 0.85)


def _resolve_many(buffer, starts, ends, near):
    import numpy as np

    d = digits_many(buffer, starts)
    month = d[:, 2] * 10 + d[:, 3]
    ok = check_digits_ok(d) & (month >= 1) & (month <= 12) & (d[:, 4] >= 4) & (d[:, 4] <= 6) & (d[:, 5] <= 3)
    return ok, np.where(near("kz_bin"), 0.99, 0.85), ok


DETECTOR = Detector(
    type="kz_bin",
    priority=7,
    order=20,
    candidates=(Candidate("digits12", DIGITS12, _resolve, delimited=True, resolve_many=_resolve_many),),
    mask=lambda value: keep_last_digits(value, 2),
    compact=compact,
    context=("БИН", "БСН", "BIN", "бизнес-идентификационный", "бизнес-сәйкестендіру"),
    description="Kazakh business identification number: check digit, month, type and attribute",
)
