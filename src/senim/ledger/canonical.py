"""RFC 8785 JSON Canonicalization Scheme (JCS): writing and checking.

Writing is the `rfc8785` package's (one implementation everyone can
compare with). Checking, `is_canonical`, reads a text as JCS does: every
number is an IEEE 754 double, so `500000000000000000000` is the canonical
form of 5e20 (a float above 2**53 that JCS writes as digits), while an
integer literal that no double holds exactly is not canonical.
"""

from __future__ import annotations

import json
import re
import threading
from typing import Any

import rfc8785

MAX_SAFE_INTEGER = 2**53 - 1


class CanonicalError(ValueError):
    """A value that has no canonical JSON form (NaN, a lone surrogate, ...)."""


def canonical(value: Any) -> bytes:
    """The RFC 8785 canonical UTF-8 bytes of `value`.

    An integer beyond 2**53 is written only when it is a double that JCS
    writes as exactly its digits (5e20 stored and read back with json.loads
    is the int 500000000000000000000); any other is refused, as rfc8785 does.
    """
    try:
        try:
            return rfc8785.dumps(value)
        except rfc8785.IntegerDomainError:
            return rfc8785.dumps(_as_doubles(value))
    except rfc8785.CanonicalizationError as error:
        raise CanonicalError(str(error)) from None
    except RecursionError:
        raise CanonicalError("the value is nested too deeply") from None


def _as_doubles(value: Any) -> Any:
    if isinstance(value, bool) or value is None or isinstance(value, (str, float)):
        return value
    if isinstance(value, int):
        if -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
            return value
        try:
            double = float(value)
        except OverflowError:
            raise CanonicalError(f"integer {str(value)[:30]} is beyond any double") from None
        if int(double) != value or rfc8785.dumps(double) != str(value).encode():
            raise CanonicalError(f"integer {value} has no exact JSON (RFC 8785) form")
        return double
    if isinstance(value, dict):
        return {key: _as_doubles(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_as_doubles(item) for item in value]
    return value  # rfc8785 names the type it cannot write


def canonical_text(value: Any) -> str:
    return canonical(value).decode("utf-8")


_state = threading.local()


def _special_number(literal: str) -> float:
    _state.special = True
    return float(literal)


def _double_int(literal: str) -> int | float:
    """An integer literal as JCS reads it: beyond 2**53 it is a double."""
    value = int(literal)
    return value if -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER else float(value)


# Built once: json.dumps/json.loads with options build a new coder per call.
_DECODER = json.JSONDecoder(parse_float=_special_number, parse_constant=_special_number)
_DOUBLE_DECODER = json.JSONDecoder(parse_int=_double_int, parse_constant=_special_number)
_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
# Where the standard library's sorted compact encoder may differ from JCS:
# an integer literal of 16 digits or more (perhaps beyond the double range;
# in compact JSON a number starts the text or follows `":`, `[` or `,`, so a hex digest in a
# string does not match) and characters beyond the BMP (UTF-16 key order).
_LONG_INTEGER = re.compile(r'(?:^|":|[\[,])-?[0-9]{16}')
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def needs_full_check(text: str) -> bool:
    return bool(_LONG_INTEGER.search(text)) or (not text.isascii() and bool(_ASTRAL.search(text)))


try:  # the `registry` extra installs both; without them the direct check uses the standard library
    import msgspec as _msgspec
    import orjson as _orjson
except ImportError:  # pragma: no cover
    _orjson = None


class _NotPlain(Exception):
    """Raised inside a direct check's decoder: this text needs the slower checks."""


def _refuse_float(_literal: str) -> float:
    raise _NotPlain


def _sorted_object(pairs: list) -> dict:
    value = dict(pairs)
    # keys strictly increasing (no duplicates); Python orders BMP text by code
    # point, which is UTF-16 order (characters beyond the BMP never get here)
    if len(value) != len(pairs) or (len(pairs) > 1 and list(value) != sorted(value)):
        raise _NotPlain
    return value


_SORTED_DECODER = json.JSONDecoder(object_pairs_hook=_sorted_object)
# Outside strings: whitespace, a float (a fraction or an exponent), -0, an
# integer of 16 digits or more (perhaps beyond 2**53), NaN or Infinity. Their
# canonical form is JCS's number writing (or they have none): the slower checks decide.
_NOT_PLAIN = re.compile(r"[ \t\n\r.NI]|[0-9][eE]|-0|[0-9]{16}")
if _orjson is not None:
    # msgspec reads every number with a fraction or an exponent through
    # float_hook, which refuses it: a value read this way holds no float.
    _FLOATLESS = _msgspec.json.Decoder(float_hook=_refuse_float)
    _SORTED_SAFE = _orjson.OPT_SORT_KEYS | _orjson.OPT_STRICT_INTEGER
    _DIRECT_FAILS = (_NotPlain, _msgspec.DecodeError, ValueError, TypeError, RecursionError)


def is_canonical(text: str, encoded: bytes | None = None) -> tuple[bool, Any]:
    """Whether `text` is the canonical form of the JSON it holds; also the value.
    `encoded`: its UTF-8 bytes, when the caller has them already.

    Direct check first, for a text with no backslash and no character beyond
    the BMP: every string in it is then written as JCS writes it (a decoder
    refuses raw control characters; `"` and `\\` cannot appear unescaped).
    With msgspec and orjson (the `registry` extra): msgspec reads the text,
    refusing any float; the text is canonical when orjson's sorted writing of
    that float-free value, integers limited to 2**53 - 1 (OPT_STRICT_INTEGER),
    gives back the text byte for byte, since that writing has no whitespace,
    -0, NaN or unsorted or repeated key, and writes such integers and BMP
    strings as JCS does. Without them: with no whitespace, float, -0, NaN or
    integer of 16 digits outside the strings, the text is canonical exactly
    when every object's keys are strictly increasing, which the standard
    library's decoder checks. Anything else, or a text that fails the direct
    check, is decided by comparison with a writing of its value (`_compared`).
    """
    if "\\" not in text and (text.isascii() or not _ASTRAL.search(text)):
        if _orjson is not None:
            data = encoded if encoded is not None else text.encode("utf-8")
            try:
                value = _FLOATLESS.decode(data)
                if _orjson.dumps(value, option=_SORTED_SAFE) == data:
                    return True, value
            except _DIRECT_FAILS:  # a float, not JSON, an integer beyond 2**53 - 1, a lone surrogate
                pass
        elif _NOT_PLAIN.search("".join(text.split('"')[::2])) is None:
            try:
                value, end = _SORTED_DECODER.raw_decode(text)
                if end == len(text):
                    return True, value
            except (_NotPlain, ValueError, RecursionError):
                pass
    return _compared(text)


def _compared(text: str) -> tuple[bool, Any]:
    """Without floats, long integers or characters beyond the BMP, the standard
    library's encoder with sorted keys and minimal separators writes exactly
    RFC 8785. Otherwise the text is read with JCS's numbers and compared with
    the `rfc8785` package's writing of it."""
    _state.special = False
    try:
        value, end = _DECODER.raw_decode(text)  # no whitespace skipping: canonical text has none
    except (ValueError, RecursionError):
        return False, None
    if end != len(text):
        return False, value
    if not _state.special and not needs_full_check(text):
        try:
            return _ENCODER.encode(value) == text, value
        except (TypeError, ValueError, RecursionError):
            return False, value
    return full_check(text)


def full_check(text: str) -> tuple[bool, Any]:
    """`is_canonical` without its fast path: the text against rfc8785's writing."""
    _state.special = False
    try:
        value, end = _DOUBLE_DECODER.raw_decode(text)
    except (ValueError, RecursionError, OverflowError):  # OverflowError: an integer beyond any double
        return False, None
    if end != len(text) or _state.special:  # NaN and Infinity are not JSON
        return False, value
    try:
        return rfc8785.dumps(value) == text.encode("utf-8", "surrogatepass"), value
    except (rfc8785.CanonicalizationError, RecursionError, OverflowError):
        return False, value
