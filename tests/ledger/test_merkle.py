"""The Merkle tree against Certificate Transparency's published test vectors
and against a direct transcription of RFC 9162's recursive definitions."""

from __future__ import annotations

import base64
import json
from hashlib import sha256
from pathlib import Path

import pytest

from senim.ledger.merkle import (Frontier, consistency_proof, inclusion_proof, leaf_hash, root, verify_consistency,
                                 verify_inclusion)

# The eight leaves and the roots of their prefixes from the Certificate
# Transparency reference implementation's tests (merkle_tree_test.cc).
CT_LEAVES = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"]
CT_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]


def _mth(data: list[bytes]) -> bytes:
    """RFC 9162 2.1.1, written out recursively over the raw entries."""
    n = len(data)
    if n == 0:
        return sha256(b"").digest()
    if n == 1:
        return sha256(b"\x00" + data[0]).digest()
    k = 1
    while k * 2 < n:
        k *= 2
    return sha256(b"\x01" + _mth(data[:k]) + _mth(data[k:])).digest()


def _path(m: int, data: list[bytes]) -> list[bytes]:
    """RFC 9162 2.1.3.1 PATH(m, D[n]), recursively."""
    n = len(data)
    if n == 1:
        return []
    k = 1
    while k * 2 < n:
        k *= 2
    if m < k:
        return _path(m, data[:k]) + [_mth(data[k:])]
    return _path(m - k, data[k:]) + [_mth(data[:k])]


def test_roots_match_certificate_transparency_vectors():
    leaves = [leaf_hash(bytes.fromhex(x)) for x in CT_LEAVES]
    for n in range(1, 9):
        assert root(leaves[:n]).hex() == CT_ROOTS[n - 1]
        frontier = Frontier()
        for leaf in leaves[:n]:
            frontier.append(leaf)
        assert frontier.root().hex() == CT_ROOTS[n - 1]


def test_frontier_and_proofs_agree_with_the_recursive_definitions():
    data = [f"entry {i}".encode() for i in range(70)]
    leaves = [leaf_hash(d) for d in data]
    frontier = Frontier()
    for n in range(1, len(data) + 1):
        frontier.append(leaves[n - 1])
        expected = _mth(data[:n])
        assert frontier.root() == expected
        for m in range(n):
            proof = inclusion_proof(m, leaves[:n])
            assert proof == _path(m, data[:n])
            assert verify_inclusion(m, n, leaves[m], proof, expected)


def test_wrong_proofs_fail():
    leaves = [leaf_hash(bytes([i])) for i in range(13)]
    good_root = root(leaves)
    for m in range(13):
        proof = inclusion_proof(m, leaves)
        assert not verify_inclusion(m, 13, leaf_hash(b"other"), proof, good_root)
        assert not verify_inclusion((m + 1) % 13, 13, leaves[m], proof, good_root)
        assert not verify_inclusion(m, 14, leaves[m], proof, root(leaves + [leaves[0]]))
        assert not verify_inclusion(m, 13, leaves[m], proof + [leaves[0]], good_root)
        if proof:
            assert not verify_inclusion(m, 13, leaves[m], proof[:-1], good_root)


# R17 / outside D10: the transparency-dev/merkle probes (98 inclusion, 98
# consistency), each with whether a correct verifier must refuse it.
PROBES = Path(__file__).parent / "vectors" / "merkle"


def _probes(kind: str) -> list[Path]:
    return sorted((PROBES / kind).rglob("*.json"))


def _b64(value) -> bytes:
    return base64.b64decode(value) if value else b""


def test_D10_there_are_98_probes_of_each_kind():
    assert len(_probes("inclusion")) == 98 and len(_probes("consistency")) == 98


@pytest.mark.parametrize("probe", _probes("inclusion"), ids=lambda p: str(p.relative_to(PROBES)))
def test_D10_transparency_dev_inclusion_probes(probe):
    case = json.loads(probe.read_text())
    proof = [_b64(h) for h in case["proof"] or []]
    ok = verify_inclusion(case["leafIdx"], case["treeSize"], _b64(case["leafHash"]), proof, _b64(case["root"]))
    assert ok is not case["wantErr"], case["desc"]


@pytest.mark.parametrize("probe", _probes("consistency"), ids=lambda p: str(p.relative_to(PROBES)))
def test_R17_transparency_dev_consistency_probes(probe):
    case = json.loads(probe.read_text())
    proof = [_b64(h) for h in case["proof"] or []]
    ok = verify_consistency(case["size1"], case["size2"], _b64(case["root1"]), _b64(case["root2"]), proof)
    assert ok is not case["wantErr"], case["desc"]


def _subproof(m: int, data: list[bytes], whole: bool) -> list[bytes]:
    """RFC 9162 2.1.4.1 SUBPROOF, written out recursively over the raw entries."""
    n = len(data)
    if m == n:
        return [] if whole else [_mth(data)]
    k = 1
    while k * 2 < n:
        k *= 2
    if m <= k:
        return _subproof(m, data[:k], whole) + [_mth(data[k:])]
    return _subproof(m - k, data[k:], False) + [_mth(data[:k])]


def test_R17_consistency_proofs_agree_with_the_recursive_definition():
    data = [bytes([i]) * (i % 5) for i in range(40)]
    leaves = [leaf_hash(d) for d in data]
    for n in range(1, 41):
        for m in range(1, n):
            proof = consistency_proof(m, leaves[:n])
            assert proof == _subproof(m, data[:n], True), (m, n)
            assert verify_consistency(m, n, _mth(data[:m]), _mth(data[:n]), proof)
            assert not verify_consistency(m, n, _mth(data[: m - 1] + [b"x"]), _mth(data[:n]), proof)
