"""IBAN: ISO 13616 account numbers, MOD 97-10 check digits (ISO 7064).

Each country's length and BBAN structure (`3!n13!c`: 3 digits, 13 letters
or digits) come from the SWIFT IBAN Registry as python-stdnum ships it
(`stdnum/iban.dat`, its release named in the file's first line), read once.
A Kazakh IBAN has 20 characters: `KZ`, two check digits, a 3-digit bank code
and 13 account characters. People write IBANs whole, in groups of four
separated by spaces, or by dashes.

>>> validate('KZ86 125K ZT50 0410 0100')
'KZ86125KZT5004100100'
>>> is_valid('BE34AGFTKTDWV73L')  # MOD 97 holds, but a Belgian BBAN is 12 digits
False
>>> DETECTOR.mask('KZ86125KZT5004100100')
'KZ**************0100'
"""

from __future__ import annotations

import re
from functools import lru_cache

from senim.checks.personal_data.detectors import Candidate, Detector, Hit
from senim.checks.personal_data.detectors.exceptions import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
)

_CLASSES = {"n": "[0-9]", "a": "[A-Z]", "c": "[A-Z0-9]"}


@lru_cache(maxsize=1)
def registry() -> tuple[str, dict[str, tuple[int, re.Pattern]]]:
    """(the registry release, {country: (IBAN length, BBAN pattern)}) from
    python-stdnum's copy of the SWIFT IBAN Registry."""
    from importlib import resources

    text = (resources.files("stdnum") / "iban.dat").read_text(encoding="utf-8")
    release = text.splitlines()[0].removeprefix("# generated from ").strip()
    countries = {}
    for line in text.splitlines():
        match = re.match(r'([A-Z]{2}) .*bban="([^"]+)"', line)
        if match:
            parts = re.findall(r"(\d+)!([nac])", match.group(2))
            pattern = "".join(f"{_CLASSES[kind]}{{{n}}}" for n, kind in parts)
            countries[match.group(1)] = (4 + sum(int(n) for n, _ in parts), re.compile(pattern + r"\Z"))
    return release, countries


def compact(number: str) -> str:
    return number.replace(" ", "").replace("-", "").strip().upper()


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
    spec = registry()[1].get(number[:2])
    if spec is None:
        raise InvalidComponent("not a country of the IBAN registry")
    length, bban = spec
    if len(number) != length:
        raise InvalidLength(f"an IBAN of {number[:2]} has {length} characters")
    if not bban.match(number, 4):
        raise InvalidFormat(f"the account part does not have the structure of {number[:2]}")
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


def _resolve(text: str, has) -> Hit | None:
    return Hit("iban", 0.99) if is_valid(text) else None


def _mask(value: str) -> str:
    """The country and the last four characters, the rest hidden."""
    kept = [i for i, c in enumerate(value) if c.isalnum()]
    show = set(kept[:2]) | set(kept[-4:])
    return "".join(c if i in show or not c.isalnum() else "*" for i, c in enumerate(value))


# Two letters, two digits, groups of four (separated by a space or a dash,
# or not), and a shorter last group: every registry length (15 to 34).
PATTERN = rb"[A-Z]{2}[0-9]{2}(?:[ -]?[A-Z0-9]{4}){2,7}(?:[ -]?[A-Z0-9]{1,3})?"
# An IBAN just before `end` (a card-like number may be the account part of an
# IBAN whose check digits failed: it is no card).
BEFORE = re.compile(rb"(?<![A-Za-z0-9])[A-Z]{2}[0-9]{2}(?:[ -]?[A-Z0-9]{4})*[ -]?\Z")


def ends_before(data: bytes, start: int) -> bool:
    return BEFORE.search(data, max(0, start - 40), start) is not None


DETECTOR = Detector(
    type="iban",
    priority=9,
    order=30,
    candidates=(Candidate("iban", PATTERN, _resolve, delimited=True),),
    mask=_mask,
    compact=compact,
    description="IBAN: every country of the SWIFT IBAN Registry, its length, its BBAN structure, MOD 97-10",
)
