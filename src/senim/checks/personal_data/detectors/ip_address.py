"""IP addresses (IPv4 dotted quads, IPv6).

>>> is_valid('192.168.1.20'), is_valid('300.1.1.1')
(True, False)
"""

from __future__ import annotations

import ipaddress

from senim.checks.personal_data.detectors.exceptions import InvalidFormat


def compact(address: str) -> str:
    return address.strip()


def _is_dotted_quad(address: str) -> bool:
    """IPv4 without the ipaddress module: four decimal octets 0-255, no
    leading zeros (the common case, checked fast)."""
    parts = address.split(".")
    return len(parts) == 4 and all(
        p.isdigit() and p.isascii() and len(p) <= 3 and int(p) <= 255 and (p == "0" or p[0] != "0") for p in parts
    )


def validate(address: str) -> str:
    address = compact(address)
    if ":" not in address:
        if not _is_dotted_quad(address):
            raise InvalidFormat("not an IPv4 address: four numbers 0-255")
        return address
    try:
        ipaddress.ip_address(address)
    except ValueError:
        raise InvalidFormat("not an IPv4 or IPv6 address") from None
    return address


def is_valid(address: str) -> bool:
    try:
        return bool(validate(address))
    except ValueError:
        return False


def format(address: str) -> str:
    return str(ipaddress.ip_address(compact(address)))
