"""Kazakh business identification numbers (BIN) as manifests use them.

The IIN and the BIN share one check digit (Government Decree No. 406 of
22 May 2007): weights 1..11, sum mod 11; a result of 10 means a second pass
with weights 3..11,1,2; a second 10 means the number is never issued.
"""

from __future__ import annotations

from operator import mul

_FIRST = tuple(range(1, 12))
_SECOND = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
WEIGHTS = (_FIRST, _SECOND)  # the two passes; the scanner's vectorised check reads them from here
_ZEROS = 48 * 66  # both weight sets sum to 66: what the '0' codes add


def kz_check_digit(first_eleven: str) -> int | None:
    """The check digit of an IIN or BIN from its first eleven ASCII digits
    (a twelfth is ignored), or None when no digit can be valid. Works on the
    character codes: the personal-data scanner calls it for every 12-digit
    number it meets."""
    codes = first_eleven[:11].encode("ascii")
    if len(codes) != 11 or not codes.isdigit():
        raise ValueError(f"{first_eleven!r}: an IIN or BIN begins with eleven digits")
    for weights in WEIGHTS:
        remainder = (sum(map(mul, codes, weights)) - _ZEROS) % 11
        if remainder != 10:
            return remainder
    return None


def bin_problem(number: str) -> str | None:
    """What is wrong with a BIN, in words, or None when it is valid.

    Only the check digit is required: an individual entrepreneur files under
    an IIN, which passes the same check but not the BIN's layout.
    """
    return _BIN_PHRASES.get(bin_fault(number))


def bin_fault(number: str) -> str | None:
    """The `errors` catalog's sentence for what is wrong with a BIN (its
    field `number`), or None when it is valid."""
    if len(number) != 12 or not (number.isascii() and number.isdigit()):
        return "errors.bin.not_12_digits"
    if kz_check_digit(number[:11]) != int(number[11]):
        return "errors.bin.check_digit"
    return None


_BIN_PHRASES = {"errors.bin.not_12_digits": "is not 12 digits", "errors.bin.check_digit": "fails the BIN check digit"}
