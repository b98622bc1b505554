"""Our RFC 8785 encoder against the `rfc8785` package as the yardstick."""

from __future__ import annotations

import importlib
import json
import math
import random
import struct
from pathlib import Path

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

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


# D1 (outside tests, December 2026): RFC 8785 writes whole-number doubles
# between 2**53 and 1e21 as digits, and the checker refused them.

VECTORS = Path(__file__).parent / "vectors" / "jcs"
MAX_SAFE = 2**53 - 1


def _jcs_read(text: str):
    """JSON as JCS reads it (every number a double), for the yardstick."""
    return json.loads(text, parse_int=lambda s: int(s) if abs(int(s)) <= MAX_SAFE else float(s))


@pytest.mark.parametrize("name", sorted(p.name for p in (VECTORS / "input").glob("*.json")))
def test_D1_cyberphone_vectors(name):
    source = (VECTORS / "input" / name).read_text(encoding="utf-8")
    expected = (VECTORS / "output" / name).read_bytes()
    assert canonical(_jcs_read(source)) == expected
    assert rfc8785.dumps(_jcs_read(source)) == expected  # the yardstick agrees with its authors
    assert is_canonical(expected.decode("utf-8"))[0]
    assert not is_canonical(source)[0]


def test_D1_cyberphone_number_vectors():
    for line in (VECTORS / "numbers.csv").read_text().split():
        ieee, expected = line.split(",")
        value = struct.unpack(">d", bytes.fromhex(ieee.rjust(16, "0")))[0]
        if expected == "null":
            with pytest.raises(CanonicalError):
                canonical(value)
            continue
        assert canonical(value) == expected.encode()
        good, read = is_canonical(f'{{"n":{expected}}}')
        assert good and read["n"] == value, line


def test_D1_whole_floats_beyond_2_53_are_canonical():
    for value in (5e20, 2.0**53 + 2, 1e20, 9.999999999999999e20, -5e20):
        text = rfc8785.dumps({"training_compute_flops": value}).decode()
        good, read = is_canonical(text)
        assert good and read["training_compute_flops"] == value, text
    assert not is_canonical('{"a":9007199254740993}')[0]  # no double is 2**53 + 1


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-MAX_SAFE, MAX_SAFE)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=6), inner, max_size=5),
    max_leaves=25,
)


@settings(max_examples=400, deadline=None)
@given(JSON_VALUES)
def test_D1_checker_agrees_with_rfc8785_on_canonical_documents(value):
    text = rfc8785.dumps(value).decode("utf-8")
    good, read = is_canonical(text)
    assert good
    assert rfc8785.dumps(read) == text.encode("utf-8")


@settings(max_examples=400, deadline=None)
@given(st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=4),
    max_leaves=15,
), st.booleans(), st.booleans(), st.sampled_from([None, 0, 1]))
def test_D1_checker_agrees_with_rfc8785_on_any_writing(value, ascii_only, sort, indent):
    text = json.dumps(value, ensure_ascii=ascii_only, sort_keys=sort, indent=indent,
                      separators=(",", ":") if indent is None else None)
    try:
        expected = rfc8785.dumps(_jcs_read(text)) == text.encode("utf-8")
    except rfc8785.CanonicalizationError:
        expected = False
    assert is_canonical(text)[0] == expected, text


# Class 10 (issue 17): the direct check (no re-encoding of a plain text) must
# agree with rfc8785 whether orjson is there or not.

@pytest.fixture(params=["orjson", "standard library"])
def direct_check(request, monkeypatch):
    import importlib

    module = importlib.import_module("senim.ledger.canonical")
    if request.param == "standard library":
        monkeypatch.setattr(module, "_orjson", None)
    else:
        assert module._orjson is not None  # the registry extra installs it
    return module.is_canonical


@pytest.mark.parametrize("text", [
    '{"b":1,"a":2}', '{"a":1,"a":1}', '{"a": 1}', '{"a":-0}', '{"a":1.0}', '{"a":1E2}', '{"a":NaN}',
    '{"a":12345678901234567}', '{"a":{"y":1,"x":2}}', '[{"b":[],"a":{}}]', '{"a":"x"} ', ' {"a":"x"}',
    '{"a":"\x01"}', '{"a":[1,2,]}', '{"a"\n:1}',
])
def test_direct_check_refuses_what_rfc8785_would_write_otherwise(direct_check, text):
    assert not direct_check(text)[0]


def test_direct_check_accepts_the_canonical_forms(direct_check):
    for text in ('{"a":1,"b":[true,false,null,"x y",{}],"c":{"d":-12,"e":"é\u2028\x7f"}}', '[]', '"x"', '0',
                 '{"seq":1,"time":"2026-12-02T13:00:00.000000Z","data":{"n":123456789012345}}'):
        expected = rfc8785.dumps(json.loads(text)) == text.encode("utf-8")
        assert direct_check(text)[0] == expected, text


@settings(max_examples=300, deadline=None)
@given(JSON_VALUES, st.booleans(), st.booleans())
def test_direct_check_agrees_with_rfc8785(value, sort, ascii_only):
    import importlib

    module = importlib.import_module("senim.ledger.canonical")
    text = json.dumps(value, ensure_ascii=ascii_only, sort_keys=sort, separators=(",", ":"))
    try:
        expected = rfc8785.dumps(_jcs_read(text)) == text.encode("utf-8")
    except rfc8785.CanonicalizationError:
        expected = False
    with_orjson = module.is_canonical(text)[0]
    saved, module._orjson = module._orjson, None
    try:
        without = module.is_canonical(text)[0]
    finally:
        module._orjson = saved
    assert with_orjson == without == expected, text


# Issue 17 item 10: with orjson the direct check looks outside the strings only
# for floats and lets OPT_STRICT_INTEGER refuse integers beyond 2**53 - 1. Texts
# that orjson itself writes (so that its round trip gives them back) are the
# ones that could slip through: each must get rfc8785's answer.

@pytest.mark.parametrize("text", [
    "1e+20", "[1e+20]", '{"a":1e+20}', '{"a":[1,1e+16]}', "1.0", '{"a":[2.0]}', '{"a":1.8446744073709552e+19}',
    '{"a":-0.0}', '{"a":1e-7}', '{"a":5e-324}', '{"a":9007199254740992}', '{"a":-9007199254740992}',
    '{"a":9007199254740993}', '{"a":18446744073709551615}', '{"b":true,"a":1.5}', '{"a":true,"b":1e+21}',
    '{"a":"1.5","b":0.5}', '{"a":"x,1.0","b":[1.0]}', '{"a":"9e+20"}', '{"a":[true,false,null,1e+22]}',
])
def test_direct_check_gives_rfc8785s_answer_on_orjsons_own_writing(direct_check, text):
    try:
        expected = rfc8785.dumps(_jcs_read(text)) == text.encode("utf-8")
    except rfc8785.CanonicalizationError:
        expected = False
    assert direct_check(text)[0] == expected, text


def test_direct_check_answers_by_hand():
    # worked by hand from RFC 8785 section 3.2.2.3 (ECMAScript number writing)
    assert not is_canonical('{"a":1e+20}')[0]         # JCS writes 100000000000000000000
    assert is_canonical('{"a":100000000000000000000}')[0]
    assert not is_canonical("1.0")[0] and is_canonical("1")[0]
    assert is_canonical('{"a":0.5,"b":1e-7}')[0]        # both already in JCS's form
    assert not is_canonical('{"a":-0.0}')[0] and is_canonical('{"a":0}')[0]
    assert is_canonical('{"a":9007199254740992}')[0]    # 2**53 is a double
    assert not is_canonical('{"a":18446744073709551615}')[0]  # 2**64 - 1 is no double


@settings(max_examples=400, deadline=None)
@given(st.recursive(
    st.none() | st.booleans() | st.integers(-(2**64) + 1, 2**64 - 1) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(alphabet=st.characters(codec="utf-8", exclude_characters='\\"'), max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=4),
    max_leaves=15,
))
def test_direct_check_agrees_with_rfc8785_on_orjsons_writing(value):
    import orjson  # the registry extra installs it
    try:
        text = orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode("utf-8")
    except orjson.JSONEncodeError:
        return  # beyond orjson's 64-bit integers: nothing it writes
    try:
        expected = rfc8785.dumps(_jcs_read(text)) == text.encode("utf-8")
    except rfc8785.CanonicalizationError:
        expected = False
    assert is_canonical(text)[0] == expected, text


# Issue 17 item 10: the direct check reads with msgspec, whose float_hook
# refuses every number with a fraction or an exponent, so a float never takes
# the direct path whatever strings surround it; floats go to rfc8785's writing.

@pytest.mark.parametrize("literal", ["1.5", "1e5", "1E5", "1e+5", "-0.0", "1e-7", "0.5", "2.0", "1.0e0"])
def test_direct_reader_refuses_every_float_form(literal):
    canonical = importlib.import_module("senim.ledger.canonical")
    with pytest.raises(canonical._NotPlain):
        canonical._FLOATLESS.decode(f'{{"a":"x.0,e+","b":[{literal}]}}'.encode())


def test_a_plain_ledger_entry_takes_the_direct_path(monkeypatch):
    canonical = importlib.import_module("senim.ledger.canonical")

    def slower(text):
        raise AssertionError("the direct check sent a plain entry to the slower checks")

    monkeypatch.setattr(canonical, "_compared", slower)
    entry = ('{"data":{"system":"credit-scoring","version":2},"kind":"system.registered",'
             '"prev":"3e0f5a","seq":7,"time":"2026-12-02T13:00:00.000000Z"}')
    assert rfc8785.dumps(json.loads(entry)) == entry.encode()  # canonical by the reference writer
    assert canonical.is_canonical(entry)[0]
