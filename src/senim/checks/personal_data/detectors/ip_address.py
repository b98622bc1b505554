"""IP addresses: IPv4 dotted quads, IPv6 in the forms of RFC 4291 section
2.2, an IPv4 tail included (`2001:db8::192.168.1.1`, `::ffff:10.0.0.1`).

>>> is_valid('192.168.1.20'), is_valid('300.1.1.1'), is_valid('2001:db8::192.168.1.1'), is_valid('2001:db8::256.1.1.1')
(True, False, True, False)
>>> DETECTOR.mask('192.168.1.20'), DETECTOR.mask('2001:db8::1')
('192.*.*.*', '2001:***')

The unspecified address `::` is an address but no one's: it is reported at
confidence 0.1 (Presidio scores it 0.05-0.15), below any threshold that
keeps real findings (`--min-confidence 0.2` drops it).

>>> _resolve('::', lambda t: False), _resolve('::1', lambda t: False)
(Hit(type='ip_address', confidence=0.1, start=None, end=None, valid=True), Hit(type='ip_address', confidence=0.6, start=None, end=None, valid=True))
"""

from __future__ import annotations

import ipaddress
import re

from senim.checks.personal_data.detectors import ALNUM, Candidate, Detector, Hit
from senim.checks.personal_data.detectors.exceptions import InvalidFormat


def compact(address: str) -> str:
    return address.strip().lower()


def _is_dotted_quad(address: str) -> bool:
    """IPv4 without the ipaddress module: four decimal octets 0-255, no
    leading zeros (the common case, checked fast)."""
    return _QUAD_EXACT.fullmatch(address) is not None


_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])"  # 0-255, no leading zero
_QUAD_EXACT = re.compile(rf"{_OCTET}\.{_OCTET}\.{_OCTET}\.{_OCTET}")


def validate(address: str) -> str:
    address = address.strip()
    if ":" not in address:
        if not _is_dotted_quad(address):
            raise InvalidFormat("not an IPv4 address: four numbers 0-255")
        return address
    if "." in address and not _is_dotted_quad(address.rpartition(":")[2]):
        raise InvalidFormat("the IPv4 tail of an IPv6 address is four numbers 0-255")
    try:
        ipaddress.IPv6Address(address)
    except ValueError:
        raise InvalidFormat("not an IPv6 address") from None
    return address


def is_valid(address: str) -> bool:
    try:
        return bool(validate(address))
    except ValueError:
        return False


def format(address: str) -> str:
    return str(ipaddress.ip_address(compact(address)))


UNSPECIFIED = 0.1  # the confidence of `::`


def _resolve(text: str, has) -> Hit | None:
    if text == "::":
        return Hit("ip_address", UNSPECIFIED)  # the unspecified address: no one's, reported low
    if is_valid(text):
        return Hit("ip_address", 0.9 if has("ip_address") else 0.6)
    return None


_DIGIT = frozenset(b"0123456789")
_HEX_COLON = frozenset(b"0123456789ABCDEFabcdef:")


def _ipv4_boundary(data: bytes, start: int, end: int) -> bool:
    before = data[start - 1] if start else None
    after = data[end] if end < len(data) else None
    if before is not None and (before in ALNUM or before == 0x2E):
        return False
    # a full stop after the address ends a sentence, unless a digit follows (a fifth octet)
    return not (after == 0x2E and end + 1 < len(data) and data[end + 1] in _DIGIT)


def _ipv6_boundary(data: bytes, start: int, end: int) -> bool:
    before = data[start - 1] if start else None
    after = data[end] if end < len(data) else None
    if before is not None and (before in _HEX_COLON or before in ALNUM):
        return False
    if after is not None and (after in _HEX_COLON or after in ALNUM):
        return False
    # "2001:db8::192" followed by ".168.1.1": an IPv4 tail the pattern did not take whole
    return not (after == 0x2E and end + 1 < len(data) and data[end + 1] in _DIGIT)


def _mask(value: str) -> str:
    if ":" in value:
        return value.split(":", 1)[0] + ":***"
    return value.split(".", 1)[0] + ".*.*.*"


_QUAD = rb"[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}"
IPV6 = (rb"[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}"
        rb"|[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){1,6}:" + _QUAD)

DETECTOR = Detector(
    type="ip_address",
    priority=3,
    order=70,
    candidates=(
        # the byte before an IPv4 address may be `+` or `:` but not `.`: its bodies start with a digit
        Candidate("ipv4", _QUAD, _resolve, delimited=True, before=rb"[^0-9A-Za-z.]", body_start=_DIGIT,
                  boundary=_ipv4_boundary),
        Candidate("ipv6", IPV6, _resolve, boundary=_ipv6_boundary),
    ),
    mask=_mask,
    compact=compact,
    context=("IP", "ip-адрес", "адрес"),
    description="IPv4 and IPv6 addresses (RFC 4291 forms, IPv4 tails included)",
)
