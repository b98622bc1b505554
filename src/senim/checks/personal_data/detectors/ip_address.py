"""IP addresses (IPv4 dotted quads, IPv6).

>>> is_valid('192.168.1.20'), is_valid('300.1.1.1')
(True, False)
"""

from __future__ import annotations

import ipaddress

from senim.checks.personal_data.detectors.exceptions import InvalidFormat


def compact(address: str) -> str:
    return address.strip()


def validate(address: str) -> str:
    address = compact(address)
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
