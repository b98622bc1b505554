"""Our RFC 8785 encoder against the `rfc8785` package as the yardstick."""

from __future__ import annotations

import math
import random
import struct

import pytest
import rfc8785

from senim.ledger.canonical import CanonicalError, canonical, is_canonical


def _random_float(rng: random.Random) -> float:
    while True:
        value = struct.unpack("<d", rng.getrandbits(64).to_bytes(8, "little"))[0]
        if math.isfinite(value):
            return value


def test_numbers_match_the_yardstick():
    rng = random.Random(20260118)
    values = [0.0, -0.0, 1.0, -1.0, 0.1, 1e21, 1e20, 1e-6, 1e-7, 1e16, 5e-324, 1.7976931348623157e308,
              123456789012345680000.0, 333333333.3333333, 2.0**53, -(2.0**53) + 1]
    values += [_random_float(rng) for _ in range(20000)]
    values += [rng.uniform(-1e6, 1e6) for _ in range(5000)]
    for value in values:
        assert canonical(value) == rfc8785.dumps(value), value


def test_strings_keys_and_nesting_match_the_yardstick():
    rng = random.Random(3)
    alphabet = ["a", "Z", "é", "ё", "қ", "€", "😀", "\U00010000", "\ufb01", "\u2028", '"', "\\", "/", "\x00",
                "\x07", "\x1f", "\x7f", "\n", "\t", "\b", "\f", "\r", " "]
    for _ in range(500):
        keys = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 4))) for _ in range(6)]
        value = {k: [rng.randint(-(2**53) + 1, 2**53 - 1), None, True, False, rng.random(),
                     "".join(rng.choice(alphabet) for _ in range(8)), {"nested": {k: []}}] for k in keys}
        assert canonical(value) == rfc8785.dumps(value)
        assert is_canonical(canonical(value).decode())[0]


@pytest.mark.parametrize(
    "text",
    [
        '{"b":1,"a":2}',            # key order
        '{"a": 1}',                 # whitespace
        '{"a":1.0}',                # 1.0 is written 1
        '{"a":1e+16}',              # written 10000000000000000
        '{"a":"\\u00e9"}',          # needless escape
        '{"a":-0}',
        '{"a":1,"a":1}',            # duplicate key
        '{"\ufb01":1,"\U0001F600":2}',  # UTF-16 order puts U+1F600 (D83D) before U+FB01
        '{"a":12345678901234567890}',   # beyond the I-JSON range
        '{"a":1}\n',
    ],
)
def test_non_canonical_text_is_recognised(text):
    assert not is_canonical(text)[0]


def test_values_without_a_json_form_are_refused():
    for value in (float("nan"), float("inf"), 2**60, {1: "a"}, {"a": {1, 2}}, "\ud800"):
        with pytest.raises(CanonicalError):
            canonical(value)
