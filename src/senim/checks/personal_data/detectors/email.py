"""E-mail addresses (the common RFC 5321 subset people write).

>>> is_valid('aigerim.n@mail.kz')
True
"""

from __future__ import annotations

import re

from senim.checks.personal_data.detectors.exceptions import InvalidComponent, InvalidFormat, InvalidLength

_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*\Z")
_LABEL = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)\Z")


def compact(address: str) -> str:
    return address.strip()


def validate(address: str) -> str:
    address = compact(address)
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain:
        raise InvalidFormat("an address is local@domain")
    if len(local) > 64 or len(address) > 254:
        raise InvalidLength("the address is too long")
    if not _LOCAL.match(local):
        raise InvalidFormat("the part before @ has characters addresses do not use")
    labels = domain.split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        raise InvalidComponent("the domain is not a host name")
    if not labels[-1].isalpha() or len(labels[-1]) < 2:
        raise InvalidComponent("the top-level domain is letters only")
    return address


def is_valid(address: str) -> bool:
    try:
        return bool(validate(address))
    except ValueError:
        return False


def format(address: str) -> str:
    local, _, domain = compact(address).rpartition("@")
    return f"{local}@{domain.lower()}"
