"""IBAN: ISO 13616 account numbers, MOD 97-10 check digits (ISO 7064).

A Kazakh IBAN has 20 characters: `KZ`, two check digits, a 3-digit bank code
and 13 account characters. Other countries are checked by their own length.

>>> validate('KZ86 125K ZT50 0410 0100')
'KZ86125KZT5004100100'
"""

from __future__ import annotations

from senim.checks.personal_data.detectors._digits import clean
from senim.checks.personal_data.detectors.exceptions import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
)

# Lengths from the SWIFT IBAN registry (a selection of the countries met in
# Kazakh banking and the EU/EEA).
LENGTHS = {
    "AD": 24, "AE": 23, "AT": 20, "AZ": 28, "BE": 16, "BG": 22, "BY": 28, "CH": 21,
    "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "EE": 20, "ES": 24, "FI": 18, "FR": 27,
    "GB": 22, "GE": 22, "GR": 27, "HR": 21, "HU": 28, "IE": 22, "IS": 26, "IT": 27,
    "KZ": 20, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MT": 31, "NL": 18,
    "NO": 15, "PL": 28, "PT": 25, "RO": 24, "SA": 24, "SE": 24, "SI": 19, "SK": 24,
    "TR": 26, "UA": 29,
}


def compact(number: str) -> str:
    return clean(number).upper()


def checksum(number: str) -> int:
    rearranged = number[4:] + number[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97


def calc_check_digits(number: str) -> str:
    number = compact(number)
    return "%02d" % (98 - checksum(number[:2] + "00" + number[4:]))


def validate(number: str) -> str:
    number = compact(number)
    if not number.isascii() or not number.isalnum() or not number[:2].isalpha() or not number[2:4].isdigit():
        raise InvalidFormat("an IBAN is two letters, two digits and letters or digits")
    length = LENGTHS.get(number[:2])
    if length is None:
        raise InvalidComponent("unknown country code")
    if len(number) != length:
        raise InvalidLength(f"an IBAN of {number[:2]} has {length} characters")
    if number[:2] == "KZ" and not number[4:7].isdigit():
        raise InvalidFormat("a Kazakh IBAN has a 3-digit bank code")
    if checksum(number) != 1:
        raise InvalidChecksum("the MOD 97 check fails")
    return number


def is_valid(number: str) -> bool:
    try:
        return bool(validate(number))
    except ValueError:
        return False


def format(number: str) -> str:
    number = compact(number)
    return " ".join(number[i:i + 4] for i in range(0, len(number), 4))
