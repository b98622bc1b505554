"""IIN (ИИН, ЖСН): the Kazakh individual identification number.

Twelve digits `YYMMDD C NNNN K`: the date of birth, a century-and-sex digit
(1–6), a serial number and a check digit computed modulo 11 in up to two
passes (Government Decree No. 406 of 22 May 2007).

>>> validate('061211600012')
'061211600012'
>>> is_valid('900101300019')
False
>>> DETECTOR.mask('061211600012')
'**********12'
"""

from __future__ import annotations

import datetime

from senim.checks.personal_data.detectors import Candidate, Detector, Hit, keep_last_digits
from senim.checks.personal_data.detectors._digits import clean
from senim.checks.personal_data.detectors.exceptions import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
)
from senim.identifiers import WEIGHTS, kz_check_digit

CENTURY = {1: 1800, 2: 1800, 3: 1900, 4: 1900, 5: 2000, 6: 2000}


def compact(number: str) -> str:
    return clean(number)


def calc_check_digit(number: str) -> str:
    """The check digit of the first 11 digits; raises if both passes give 10."""
    k = kz_check_digit(compact(number))
    if k is None:
        raise InvalidChecksum("both passes give 10: such numbers are never issued")
    return str(k)


def birth_date(number: str) -> datetime.date:
    number = compact(number)
    century = CENTURY.get(int(number[6]))
    if century is None:
        raise InvalidComponent("the seventh digit must be 1 to 6")
    try:
        return datetime.date(century + int(number[0:2]), int(number[2:4]), int(number[4:6]))
    except ValueError:
        raise InvalidComponent("the first six digits are not a date") from None


def sex(number: str) -> str:
    return "male" if int(compact(number)[6]) % 2 else "female"


def validate(number: str) -> str:
    number = compact(number)
    if not number.isdigit() or not number.isascii():
        raise InvalidFormat("an IIN has only digits")
    if len(number) != 12:
        raise InvalidLength("an IIN has 12 digits")
    birth_date(number)
    if calc_check_digit(number) != number[11]:
        raise InvalidChecksum("the check digit does not match")
    return number


def is_valid(number: str) -> bool:
    try:
        return bool(validate(number))
    except ValueError:
        return False


def format(number: str) -> str:
    """`YYMMDD CNNNNK` grouping, as printed on some documents."""
    number = compact(number)
    return f"{number[:6]} {number[6:]}"


def _resolve(text: str, has) -> Hit | None:
    # the check digit first: most 12-digit numbers are not identifiers
    k = kz_check_digit(text)
    if k is None or k != ord(text[11]) - 48:
        # beside "ИИН": a likely IIN mistyped, shown to the reviewer as such
        return Hit("kz_iin", 0.3, valid=False) if has("kz_iin") else None
    try:
        birth_date(text)
    except ValueError:
        return None  # perhaps a BIN: the kz_bin detector looks at the same candidate
    return Hit("kz_iin", 0.99 if has("kz_iin") else 0.85)


_DAYS = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def digits_many(buffer, starts):
    """The twelve digits at each start, as an (n, 12) integer array."""
    import numpy as np

    return buffer[starts[:, None] + np.arange(12)].astype(np.int64) - 48


def check_digits_ok(digits):
    """Does the twelfth digit match the check digit of the first eleven
    (both passes; a second 10 is never valid)? Over an (n, 12) array."""
    import numpy as np

    # the weights of senim.identifiers (one definition), over many numbers at once
    first, second = ((digits[:, :11] * np.array(w)).sum(axis=1) % 11 for w in WEIGHTS)
    k = np.where(first == 10, second, first)
    return (k != 10) & (k == digits[:, 11])


def _resolve_many(buffer, starts, ends, near):
    import numpy as np

    d = digits_many(buffer, starts)
    check = check_digits_ok(d)
    century_digit = d[:, 6]
    year = np.array([0, 1800, 1800, 1900, 1900, 2000, 2000, 0, 0, 0])[century_digit] + d[:, 0] * 10 + d[:, 1]
    month, day = d[:, 2] * 10 + d[:, 3], d[:, 4] * 10 + d[:, 5]
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    month_ok = (month >= 1) & (month <= 12)
    days = np.array(_DAYS)[np.where(month_ok, month, 0)] + ((month == 2) & leap)
    iin = check & (century_digit >= 1) & (century_digit <= 6) & month_ok & (day >= 1) & (day <= days)
    beside = near("kz_iin")
    flagged = ~check & beside
    confidence = np.where(iin, np.where(beside, 0.99, 0.85), 0.3)
    return iin | flagged, confidence, iin


# Twelve digits, shared with kz_bin (the engine compiles a pattern once).
DIGITS12 = rb"[0-9]{12}"

DETECTOR = Detector(
    type="kz_iin",
    priority=7,
    order=10,
    candidates=(Candidate("digits12", DIGITS12, _resolve, delimited=True, resolve_many=_resolve_many),),
    mask=lambda value: keep_last_digits(value, 2),
    compact=compact,
    context=("ИИН", "ЖСН", "IIN", "индивидуальный идентификационный", "жеке сәйкестендіру"),
    identifies_person=True,
    description="Kazakh individual identification number: check digit, birth date, century digit",
)
