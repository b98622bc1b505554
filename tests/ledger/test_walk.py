"""The compiled ledger walk (src/senim/ledger/_walk.c) against outside judges.

Its canonical check is judged by the rfc8785 package (and the cyberphone
vectors): whatever it takes must be what RFC 8785 writes. Its walk is judged
by the Python walk it stands in for, which the tamper, trust and vector
tests pin down: on any ledger, broken or not, both give the same verdict.

With AddressSanitizer and UndefinedBehaviorSanitizer (docs/security.md):
    gcc -O1 -g -fsanitize=address,undefined -shared -fPIC -I$(python -c 'import sysconfig;print(sysconfig.get_paths()["include"])') \
        src/senim/ledger/_walk.c -lcrypto -o src/senim/ledger/_walk$(python -c 'import sysconfig;print(sysconfig.get_config_var("EXT_SUFFIX"))')
    LD_PRELOAD="$(gcc -print-file-name=libasan.so) $(gcc -print-file-name=libubsan.so)" ASAN_OPTIONS=detect_leaks=0 \
        pytest -p no:xdist tests/ledger/test_walk.py
then `make test` builds the ordinary one again only when _walk.c changes: rebuild with `pip install -e .`.
"""

from __future__ import annotations

import json
from hashlib import sha256
from pathlib import Path

import pytest
import rfc8785
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from senim.ledger import _walk, verify  # an ImportError here: the install did not build _walk.c
from senim.ledger.chain import GENESIS_PREV, checkpoint_body, make_entry
from senim.ledger.merkle import Frontier

VECTORS = Path(__file__).parent / "vectors" / "jcs"


def test_the_compiled_walk_is_built():
    # `make test` installs gcc and OpenSSL's headers first, so the install builds it;
    # without it every other test here would fall back silently.
    assert verify.CompiledWalker is _walk.Walker
    assert type(verify.walker_for(GENESIS_PREV)) is _walk.Walker


def _is_rfc8785(text: str) -> bool:
    try:
        return rfc8785.dumps(json.loads(text)) == text.encode("utf-8")
    except (ValueError, rfc8785.CanonicalizationError, RecursionError):
        return False


@pytest.mark.parametrize("name", sorted(p.name for p in (VECTORS / "input").glob("*.json")))
def test_what_the_check_takes_from_the_cyberphone_vectors_is_their_canonical_form(name):
    given_text = (VECTORS / "input" / name).read_text(encoding="utf-8")
    canonical_text = (VECTORS / "output" / name).read_bytes().decode("utf-8")
    assert not _walk.canonical(given_text) or given_text == canonical_text
    if _walk.canonical(canonical_text):
        assert _is_rfc8785(canonical_text)


def test_the_check_takes_each_number_of_the_cyberphone_vectors_in_its_es6_form():
    # hex of an IEEE-754 double, and its ES6 writing; integers of 16 digits or more are left
    # to the Python walk by design (JCS reads them as doubles)
    import re
    import struct

    checked = 0
    for line in (VECTORS / "numbers.csv").read_text().split():
        bits, written = line.split(",")
        if written == "null":
            continue
        value = struct.unpack(">d", bytes.fromhex(bits))[0]
        long_integer = re.fullmatch(r"-?[0-9]{16,}", written) is not None
        assert _walk.canonical(written) is not long_integer, written
        assert not _walk.canonical(repr(value)) or repr(value) == written
        checked += 1
    assert checked >= 5


def test_the_check_refuses_what_rfc8785_never_writes():
    for text in ['{"b":1,"a":2}', '{"a":1,"a":1}', '{"a": 1}', ' {}', '{}\n', '[1,]', '[01]', '-0', '1.0',
                 '"\\/"', '"\\u0041"', '"\\u001F"', '"\\u000a"', '"\\u000A"', '"a', '{"a":1', 'tru', 'nul',
                 '"\x01"', '9007199254740993', '1e2', '1E+21', '1e21', '1.50', '0.5e1', '.5', '5.', '1e-07', '-0.0',
                 '0.0', '1e400', '[' * 65 + ']' * 65, '']:
        assert not _walk.canonical(text), text
    for text in ['{"a":1,"b":[true,false,null]}', '"\\u001f\\b\\t\\n\\f\\r\\"\\\\"', '"\x7f\u2028é😀"',
                 '{"":0,"a":-1,"ab":{},"b":[]}', '[' * 64 + ']' * 64, '999999999999999', '0.5', '-0.25',
                 '1e+21', '1.5e-7', '0.000001', '100000000000000', '5e-324', '1.7976931348623157e+308']:
        assert _walk.canonical(text) and _is_rfc8785(text), text


_BMP = st.characters(min_codepoint=0x20, max_codepoint=0xFFFF, blacklist_categories=("Cs",),
                     blacklist_characters='"\\')
_ANY = st.characters(blacklist_categories=("Cs",))
_SMALL_INT = st.integers(min_value=-(10**15) + 1, max_value=10**15 - 1)


def _json(keys, texts, numbers):
    return st.recursive(
        st.none() | st.booleans() | numbers | st.text(texts, max_size=12),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(keys, max_size=6), inner, max_size=4),
        max_leaves=12,
    )


# the subset the walk takes: integers below 10**15, any finite double, keys of the BMP written
# without escapes
_TAKEN = _json(_BMP, _ANY, _SMALL_INT | st.floats(allow_nan=False, allow_infinity=False).filter(
    lambda x: not (x.is_integer() and abs(x) >= 1e15)))  # those JCS writes as integers of 16 digits
_ANYTHING = _json(_ANY, _ANY, st.integers(min_value=1 - 2**53, max_value=2**53 - 1) | _SMALL_INT
                  | st.floats(allow_nan=False, allow_infinity=False))


@settings(max_examples=300, deadline=None)
@given(_TAKEN)
def test_the_check_takes_every_canonical_text_of_its_subset(value):
    assert _walk.canonical(rfc8785.dumps(value).decode("utf-8"))


def _writings(value, cut: int, char: str) -> list[str]:
    canonical_text = rfc8785.dumps(value).decode("utf-8")
    at = cut % (len(canonical_text) + 1)
    return [
        canonical_text,
        json.dumps(value, ensure_ascii=False, separators=(",", ":")),
        json.dumps(value, ensure_ascii=True, sort_keys=True, separators=(",", ":")),
        json.dumps(value, ensure_ascii=False, sort_keys=True),
        canonical_text[:at] + char + canonical_text[at:],
        canonical_text[:at] + canonical_text[at + 1:],
        canonical_text[:at] + char + canonical_text[at + 1:],
    ]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_ANYTHING, st.integers(min_value=0), st.sampled_from(' ,:"\\{}[]0a1é😀\x01\x7f-.eE'))
def test_whatever_the_check_takes_is_what_rfc8785_writes(value, cut, char):
    for text in _writings(value, cut, char):
        if _walk.canonical(text):
            assert _is_rfc8785(text), text


# ---- the walk: the compiled and the Python walk give one verdict ----

_KEY = None


def _signer():
    global _KEY
    if _KEY is None:
        from senim.ledger import keys

        signer = keys.signing_key()
        _KEY = signer, keys.key_id(signer.public_key())
    return _KEY


def _ledger(datas: list, actors: list[bool], every: int):
    signer, kid = _signer()
    frontier, prev = Frontier(), GENESIS_PREV
    rows, checkpoints = [], []
    for seq, (data, actor) in enumerate(zip(datas, actors), start=1):
        text = make_entry(seq, "test.change", data, prev, "2026-12-03T09:00:00Z",
                          {"org": "o", "user": "u", "via": "cli"} if actor else None).decode("utf-8")
        leaf = sha256(b"\x00" + text.encode("utf-8")).digest()
        prev = leaf.hex()
        rows.append((seq, text, prev))
        frontier.append(leaf)
        if seq % every == 0 or seq == len(datas):
            body = checkpoint_body(len(checkpoints) + 1, seq, frontier.root(), kid, "2026-12-03T09:00:00Z")
            checkpoints.append((len(checkpoints) + 1, body.decode(), signer.sign(body).hex(),
                                json.dumps([h.hex() for h in frontier.hashes])))
    return rows, checkpoints, {kid: signer.public_key()}


def _tampered(rows: list, how: str, at: int, char: str) -> list:
    rows = list(rows)
    i = at % len(rows)
    seq, text, digest = rows[i]
    if how == "char":
        j = (at // len(rows)) % len(text)
        rows[i] = (seq, text[:j] + char + text[j + 1:], digest)
    elif how == "insert":
        j = (at // len(rows)) % (len(text) + 1)
        rows[i] = (seq, text[:j] + char + text[j:], digest)
    elif how == "rehash":  # a changed entry with its hash made to match: the next one no longer chains
        j = (at // len(rows)) % len(text)
        changed = text[:j] + char + text[j + 1:]
        rows[i] = (seq, changed, sha256(b"\x00" + changed.encode("utf-8")).hexdigest())
    elif how == "hash":
        rows[i] = (seq, text, digest[:-1] + ("0" if digest[-1] != "0" else "1"))
    elif how == "no hash":
        rows[i] = (seq, text, None)
    elif how == "seq":
        rows[i] = (seq + 1, text, digest)
    elif how == "drop":
        del rows[i]
    elif how == "swap" and i + 1 < len(rows):
        rows[i], rows[i + 1] = rows[i + 1], rows[i]
    return rows


def _verdict(rows, checkpoints, keys, observe_into=None, since=None, compiled=True, monkeypatch=None):
    monkeypatch.setattr(verify, "CompiledWalker", _walk.Walker if compiled else None)
    seen = [] if observe_into is not None else None
    verdict = verify.verify_rows(rows, checkpoints, keys,
                                 (lambda seq, value: seen.append((seq, value))) if seen is not None else None,
                                 since)
    return verdict, seen


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    datas=st.lists(_ANYTHING, min_size=1, max_size=14),
    actors=st.lists(st.booleans(), min_size=14, max_size=14),
    every=st.integers(min_value=1, max_value=5),
    how=st.sampled_from(["none", "char", "insert", "rehash", "hash", "no hash", "seq", "drop", "swap"]),
    at=st.integers(min_value=0, max_value=10**6),
    char=st.sampled_from(' "\\0a1é😀\x01,:{}'),
    watch=st.booleans(),
)
def test_the_compiled_and_the_python_walk_give_one_verdict(datas, actors, every, how, at, char, watch, monkeypatch):
    rows, checkpoints, keys = _ledger(datas, actors, every)
    seen = verify.Seen(1, bytes.fromhex(rows[0][2])) if at % 3 == 0 else None  # the root of entry 1 alone
    if how != "none":
        rows = _tampered(rows, how, at, char)
    compiled = _verdict(rows, checkpoints, keys, watch, seen, True, monkeypatch)
    python = _verdict(rows, checkpoints, keys, watch, seen, False, monkeypatch)
    assert compiled[0] == python[0]
    assert compiled[1] == python[1]  # `observe` saw the same entries, with the same values
    if how == "none":
        assert compiled[0].ok and compiled[0].entries == len(datas)


def test_an_intact_ledger_is_walked_by_the_compiled_walk(monkeypatch):
    # the common entry (integers, strings, an actor) never falls back to the Python walk
    rows, checkpoints, keys = _ledger([{"system": f"s-{i}", "version": i, "note": "«ақпарат»\n"} for i in range(50)],
                                      [i % 2 == 0 for i in range(50)], 7)
    calls = []
    monkeypatch.setattr(verify, "_step", lambda *args: calls.append(args))
    verdict = verify.verify_rows(rows, checkpoints, keys)
    assert verdict.ok and verdict.entries == 50 and calls == []
    frontier = Frontier()
    for _seq, text, _digest in rows:
        frontier.append(sha256(b"\x00" + text.encode()).digest())
    assert verdict.root == frontier.root().hex() and verdict.genesis == rows[0][2]
