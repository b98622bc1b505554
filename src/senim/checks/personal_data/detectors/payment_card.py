"""Payment card numbers (PAN): 13–19 digits, Luhn check, a known issuer prefix.

>>> is_valid('4111 1111 1111 1111')
True
>>> is_valid('4111 1111 1111 1112')
False
"""

from __future__ import annotations

from senim.checks.personal_data.detectors._digits import clean
from senim.checks.personal_data.detectors.exceptions import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
)


def compact(number: str) -> str:
    return clean(number)


_DOUBLED = bytes.maketrans(b"0123456789", b"0246813579")  # 2d, less 9 past 9


def luhn_checksum(number: str) -> int:
    """The Luhn sum mod 10 of a string of ASCII digits (0 for a valid number).
    On the character codes, every second digit from the right doubled by a
    table: the scanner calls it for every card-like number it meets."""
    if not (number.isascii() and number.isdigit()):
        raise InvalidFormat("a card number has only digits")
    codes = number.encode("ascii")
    return (sum(codes[-1::-2]) + sum(codes[-2::-2].translate(_DOUBLED)) - 48 * len(codes)) % 10


def calc_check_digit(number: str) -> str:
    """The Luhn digit to append to `number`."""
    return str((10 - luhn_checksum(compact(number) + "0")) % 10)


def issuer(number: str) -> str | None:
    """The card scheme by its prefix (IIN ranges of ISO/IEC 7812), or None."""
    n = compact(number)
    two, four = int(n[:2]), int(n[:4])
    if 2200 <= four <= 2204:
        return "mir"
    if n[0] == "4":
        return "visa"
    if 51 <= two <= 55 or 2221 <= four <= 2720:
        return "mastercard"
    if two in (34, 37):
        return "amex"
    if two == 62:
        return "unionpay"
    if two in (35,):
        return "jcb"
    if n[:4] == "6011" or two == 65:
        return "discover"
    if two == 50 or 56 <= two <= 69:
        return "maestro"
    return None


def validate(number: str) -> str:
    number = compact(number)
    if not number.isascii() or not number.isdigit():
        raise InvalidFormat("a card number has only digits")
    if not 13 <= len(number) <= 19:
        raise InvalidLength("a card number has 13 to 19 digits")
    if issuer(number) is None:
        raise InvalidComponent("no known card scheme starts so")
    if luhn_checksum(number) != 0:
        raise InvalidChecksum("the Luhn check fails")
    return number


def is_valid(number: str) -> bool:
    try:
        return bool(validate(number))
    except ValueError:
        return False


def format(number: str) -> str:
    number = compact(number)
    return " ".join(number[i:i + 4] for i in range(0, len(number), 4))
