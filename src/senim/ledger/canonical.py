"""RFC 8785 JSON Canonicalization Scheme (JCS) for the JSON types we store.

Objects, arrays, strings, booleans, null, integers within the I-JSON range
(|n| < 2**53) and finite floats. Keys are sorted by their UTF-16 code units,
strings carry only the escapes JCS allows, numbers are written the way
ECMAScript's Number.prototype.toString writes them.
"""

from __future__ import annotations

import json
import re
import threading
from decimal import Decimal
from typing import Any

MAX_SAFE_INTEGER = 2**53 - 1

_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_NEEDS_ESCAPE = re.compile(r'["\\\x00-\x1f]')
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class CanonicalError(ValueError):
    """A value that has no canonical JSON form (NaN, a lone surrogate, ...)."""


def _escape(match: re.Match) -> str:
    char = match.group()
    return _ESCAPES.get(char) or f"\\u{ord(char):04x}"


def _string(value: str) -> str:
    if _LONE_SURROGATE.search(value):
        raise CanonicalError("a string holds a lone UTF-16 surrogate")
    return '"' + _NEEDS_ESCAPE.sub(_escape, value) + '"'


def _utf16_key(key: str) -> bytes:
    return key.encode("utf-16-be")


def number(value: float) -> str:
    """A finite float written as ECMAScript's Number.prototype.toString does."""
    if value != value or value in (float("inf"), float("-inf")):
        raise CanonicalError("NaN and infinities have no JSON form")
    if value == 0:
        return "0"  # also for -0
    sign = "-" if value < 0 else ""
    # repr() gives the shortest digits that round-trip, as ECMAScript requires.
    digits_tuple = Decimal(repr(abs(value))).as_tuple()
    digits = "".join(map(str, digits_tuple.digits)).rstrip("0") or "0"
    trailing = len("".join(map(str, digits_tuple.digits))) - len(digits)
    k = len(digits)
    n = digits_tuple.exponent + trailing + k  # value = 0.digits * 10**n
    if k <= n <= 21:
        text = digits + "0" * (n - k)
    elif 0 < n <= 21:
        text = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        text = "0." + "0" * (-n) + digits
    else:
        exponent = n - 1
        mantissa = digits if k == 1 else digits[0] + "." + digits[1:]
        text = f"{mantissa}e{'+' if exponent > 0 else '-'}{abs(exponent)}"
    return sign + text


def _encode(value: Any, out: list[str]) -> None:
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, str):
        out.append(_string(value))
    elif isinstance(value, int):
        if abs(value) > MAX_SAFE_INTEGER:
            raise CanonicalError(f"integer {value} is outside the I-JSON range")
        out.append(str(value))
    elif isinstance(value, float):
        out.append(number(value))
    elif isinstance(value, dict):
        for key in value:
            if not isinstance(key, str):
                raise CanonicalError(f"object key {key!r} is not a string")
        out.append("{")
        for i, key in enumerate(sorted(value, key=_utf16_key)):
            if i:
                out.append(",")
            out.append(_string(key))
            out.append(":")
            _encode(value[key], out)
        out.append("}")
    elif isinstance(value, (list, tuple)):
        out.append("[")
        for i, item in enumerate(value):
            if i:
                out.append(",")
            _encode(item, out)
        out.append("]")
    else:
        raise CanonicalError(f"{type(value).__name__} is not a JSON type")


def canonical_text(value: Any) -> str:
    out: list[str] = []
    _encode(value, out)
    return "".join(out)


def canonical(value: Any) -> bytes:
    """The RFC 8785 canonical UTF-8 bytes of `value`."""
    return canonical_text(value).encode("utf-8")


_state = threading.local()


def _special_number(literal: str) -> float:
    _state.special = True
    return float(literal)


# Built once: json.dumps/json.loads with options build a new coder per call.
_DECODER = json.JSONDecoder(parse_float=_special_number, parse_constant=_special_number)
_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))
# Characters beyond the BMP (UTF-16 key order differs from code point order)
# and digit runs that may be integers beyond the I-JSON range.
_NEEDS_FULL_CHECK = re.compile("[\U00010000-\U0010ffff]|[0-9]{16}")


def is_canonical(text: str) -> tuple[bool, Any]:
    """Whether `text` is the canonical form of the JSON it holds; also the value.

    Fast path: when the text has no floats, no long digit runs and no
    characters beyond the BMP, the standard library's encoder with sorted keys
    and minimal separators writes exactly RFC 8785; otherwise the full encoder
    decides.
    """
    _state.special = False
    try:
        value, end = _DECODER.raw_decode(text)  # no whitespace skipping: canonical text has none
    except (ValueError, RecursionError):
        return False, None
    if end != len(text):
        return False, value
    if not _state.special and not _NEEDS_FULL_CHECK.search(text):
        try:
            return _ENCODER.encode(value) == text, value
        except (TypeError, ValueError):
            return False, value
    try:
        return canonical_text(value) == text, value
    except CanonicalError:
        return False, value
