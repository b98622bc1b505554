"""Payment card numbers (PAN): 13–19 digits, Luhn check, a known issuer prefix.

The issuer ranges are those of ISO/IEC 7812 in use (the schemes' published
ranges): Visa, Mastercard, Mir, American Express, Diners Club, Discover,
JCB, UnionPay, Maestro, UATP, RuPay, Troy, Humo, UzCard, Elcart and others.

>>> is_valid('4111 1111 1111 1111')
True
>>> is_valid('4111 1111 1111 1112')
False
>>> issuer('30569309025904'), issuer('122000000000003')
('diners', 'uatp')
>>> DETECTOR.mask('4111 1111 1111 1111')
'visa ****1111'
"""

from __future__ import annotations

from senim.checks.personal_data.detectors import Candidate, Detector, Hit
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


# (first digits low, high, scheme), the longest prefixes first; ranges as
# the schemes publish them (ISO/IEC 7812 issuer identification numbers).
RANGES = (
    (622126, 622925, "discover"),  # UnionPay cards co-branded for Discover
    (506099, 506198, "verve"), (650002, 650027, "verve"),
    (2200, 2204, "mir"), (2221, 2720, "mastercard"), (3528, 3589, "jcb"), (3095, 3095, "diners"),
    (6011, 6011, "discover"), (5019, 5019, "dankort"), (9792, 9792, "troy"), (9860, 9860, "humo"),
    (8600, 8600, "uzcard"), (9417, 9417, "elcart"), (9112, 9112, "belcard"),
    (300, 305, "diners"), (644, 649, "discover"), (636, 636, "interpayment"), (508, 508, "rupay"),
    (34, 34, "amex"), (37, 37, "amex"), (36, 36, "diners"), (38, 39, "diners"), (51, 55, "mastercard"),
    (62, 62, "unionpay"), (81, 81, "unionpay"), (65, 65, "discover"), (60, 60, "rupay"), (82, 82, "rupay"),
    (50, 50, "maestro"), (56, 69, "maestro"),
    (4, 4, "visa"), (1, 1, "uatp"),
)


# Schemes whose numbers have only some lengths.
LENGTHS = {"uatp": (15,), "amex": (15,), "mir": (16, 17, 18, 19), "visa": (13, 16, 19)}


def _prefixes() -> tuple[dict[str, str], tuple[int, ...]]:
    """Every prefix of RANGES spelt out, and the prefix lengths, longest first."""
    table: dict[str, str] = {}
    for low, high, scheme in RANGES:
        width = len(str(low))
        for prefix in range(low, high + 1):
            table.setdefault(str(prefix).zfill(width), scheme)
    return table, tuple(sorted({len(p) for p in table}, reverse=True))


_PREFIXES, _WIDTHS = _prefixes()


def issuer(number: str) -> str | None:
    """The card scheme by its prefix, or None."""
    n = compact(number)
    for width in _WIDTHS:
        scheme = _PREFIXES.get(n[:width])
        if scheme is not None and len(n) >= width:
            return scheme
    return None


def validate(number: str) -> str:
    number = compact(number)
    if not number.isascii() or not number.isdigit():
        raise InvalidFormat("a card number has only digits")
    if not 13 <= len(number) <= 19:
        raise InvalidLength("a card number has 13 to 19 digits")
    scheme = issuer(number)
    if scheme is None:
        raise InvalidComponent("no known card scheme starts so")
    if scheme in LENGTHS and len(number) not in LENGTHS[scheme]:
        raise InvalidLength(f"a {scheme} card number has {' or '.join(map(str, LENGTHS[scheme]))} digits")
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


def _resolve(text: str, has) -> Hit | None:
    number = compact(text)
    # the Luhn digit first: it turns away nine look-alikes in ten before the issuer table is read
    if not (13 <= len(number) <= 19 and number.isascii() and number.isdigit()) or luhn_checksum(number):
        return None
    if is_valid(number):
        return Hit("payment_card", 0.99 if has("payment_card") else 0.9)
    return None


def _boundary(data: bytes, start: int, end: int) -> bool:
    from senim.checks.personal_data.detectors.iban import ends_before

    return not ends_before(data, start)  # the account part of an IBAN whose check digits failed


def _mask(value: str) -> str:
    """The scheme and the last four digits: `visa ****1111`."""
    digits = "".join(c for c in value if c.isascii() and c.isdigit())
    return f"{(issuer(digits) if digits else None) or 'card'} ****{digits[-4:]}"


# 13 to 19 digits in groups of four, or 4-6-4/5 (American Express, Diners Club).
PATTERN = rb"[0-9]{4}(?:[ -]?[0-9]{4}){2}[ -]?[0-9]{1,7}|3[0-9]{3}[ -]?[0-9]{6}[ -]?[0-9]{4,5}"

DETECTOR = Detector(
    type="payment_card",
    priority=8,
    order=40,
    candidates=(Candidate("card", PATTERN, _resolve, delimited=True, boundary=_boundary),),
    mask=_mask,
    compact=compact,
    context=("карт", "card", "карточ", "visa", "mastercard"),
    description="payment card numbers: Luhn and the issuer ranges of ISO/IEC 7812 in use",
)
