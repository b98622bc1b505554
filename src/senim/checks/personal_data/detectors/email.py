"""E-mail addresses: the RFC 5321 forms people write, with internationalised
domains (punycode `xn--` labels and Unicode ones, `.қаз`, `.рф`) and local
parts in any script, as RFC 6531 allows.

>>> is_valid('aigerim.n@mail.kz'), is_valid('a@xn--d1acufc.xn--p1ai'), is_valid('инфо@пример.рф')
(True, True, True)
>>> is_valid('info@presidio.')
False
>>> DETECTOR.mask('aigerim.n@mail.kz')
'***@mail.kz'
"""

from __future__ import annotations

import re

from senim.checks.personal_data.detectors import Candidate, Detector, Hit
from senim.checks.personal_data.detectors.exceptions import InvalidComponent, InvalidFormat, InvalidLength

_ATOM = r"[\w!#$%&'*+/=?^`{|}~-]+"
_LOCAL = re.compile(_ATOM + r"(?:\." + _ATOM + r")*\Z")
_ASCII_LABEL = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)\Z")


def compact(address: str) -> str:
    return address.strip().lower()


def _label_ok(label: str) -> bool:
    if label.isascii():
        return bool(_ASCII_LABEL.match(label))
    if label.startswith("-") or label.endswith("-") or not all(c.isalnum() or c == "-" for c in label):
        return False
    try:
        return len(label.encode("idna")) <= 63
    except UnicodeError:
        return False


def _tld_ok(label: str) -> bool:
    if label[:4].lower() == "xn--":
        try:
            return label[4:].isascii() and label.encode("ascii").decode("idna").isalpha()
        except UnicodeError:
            return False
    return label.isalpha() and len(label) >= 2


def validate(address: str) -> str:
    address = address.strip()
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain:
        raise InvalidFormat("an address is local@domain")
    if len(local) > 64 or len(address) > 254:
        raise InvalidLength("the address is too long")
    if not _LOCAL.match(local):
        raise InvalidFormat("the part before @ has characters addresses do not use")
    labels = domain.split(".")
    if len(labels) < 2 or not all(_label_ok(label) for label in labels):
        raise InvalidComponent("the domain is not a host name")
    if not _tld_ok(labels[-1]):
        raise InvalidComponent("the top-level domain is letters only (or an xn-- label)")
    return address


def is_valid(address: str) -> bool:
    try:
        return bool(validate(address))
    except ValueError:
        return False


def format(address: str) -> str:
    local, _, domain = address.strip().rpartition("@")
    return f"{local}@{domain.lower()}"


def _resolve(text: str, has) -> Hit | None:
    return Hit("email", 0.95) if is_valid(text) else None


# Local-part bytes: ASCII ones and every byte of a UTF-8 letter.
LOCAL_BYTES = rb"A-Za-z0-9._%+\x80-\xff-"
_LOCAL_SET = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._%+-") | frozenset(range(0x80, 0x100))


def start_of(data: bytes, end: int) -> int:
    """Where the address ending at `end` begins: the run of local-part bytes
    before its last `@` (the domain has none). Hyperscan reports ends only.
    Walked back byte by byte: a regular expression anchored at the `@` has
    to try every start in its window (10 us an address in Cyrillic text)."""
    at = data.rfind(b"@", 0, end - 1)  # the byte at end - 1 may be a delimiter `@`
    start = at
    local = _LOCAL_SET
    while start > 0 and data[start - 1] in local:
        start -= 1
    return start


_U = rb"[\xC0-\xFF][\x80-\xBF]+"  # one non-ASCII UTF-8 character
PATTERN = (
    rb"[" + LOCAL_BYTES + rb"]+@(?:[A-Za-z0-9-]|" + _U + rb")+(?:\.(?:[A-Za-z0-9-]|" + _U + rb")+)*"
    rb"\.(?:[A-Za-z]{2,24}|[Xx][Nn]--[A-Za-z0-9-]{1,59}|(?:" + _U + rb"){2,24})(?:[^A-Za-z0-9\x80-\xff-]|$)"
)

DETECTOR = Detector(
    type="email",
    priority=10,
    order=60,
    candidates=(Candidate("email", PATTERN, _resolve, start=start_of, trailing=True, decode="utf-8"),),
    mask=lambda value: "***@" + value.rpartition("@")[2],
    compact=compact,
    contact=True,
    description="e-mail addresses, internationalised domains and local parts included",
)
