"""A Merkle tree in the manner of Certificate Transparency (RFC 9162, 2.1).

leaf hash = SHA-256(0x00 || entry), node hash = SHA-256(0x01 || left || right),
and a tree of n leaves splits at the largest power of two below n.
A `Frontier` keeps the roots of the perfect subtrees of the leaves seen so far
(at most log2(n) hashes), so the root after each new leaf costs O(log n).
"""

from __future__ import annotations

from hashlib import sha256
from typing import Sequence

EMPTY_ROOT = sha256(b"").digest()


def leaf_hash(entry: bytes) -> bytes:
    return sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return sha256(b"\x01" + left + right).digest()


class Frontier:
    """The compact range [0, size): one subtree root per set bit of size."""

    __slots__ = ("size", "hashes")

    def __init__(self, size: int = 0, hashes: Sequence[bytes] = ()) -> None:
        if len(hashes) != bin(size).count("1"):
            raise ValueError("a frontier needs one hash per set bit of its size")
        self.size = size
        self.hashes = list(hashes)

    def append(self, leaf: bytes) -> None:
        hashes = self.hashes
        size = self.size
        node = leaf
        while size & 1:  # merge equal-height subtrees, like a binary carry
            node = node_hash(hashes.pop(), node)
            size >>= 1
        hashes.append(node)
        self.size += 1

    def root(self) -> bytes:
        if not self.hashes:
            return EMPTY_ROOT
        node = self.hashes[-1]
        for left in reversed(self.hashes[:-1]):
            node = node_hash(left, node)
        return node

    def copy(self) -> "Frontier":
        return Frontier(self.size, self.hashes)


def _hashes(*values: bytes) -> bool:
    return all(isinstance(v, bytes) and len(v) == 32 for v in values)


def _split(n: int) -> int:
    """The largest power of two smaller than n (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def root(leaves: Sequence[bytes]) -> bytes:
    """MTH over leaf hashes, computed level by level."""
    frontier = Frontier()
    for leaf in leaves:
        frontier.append(leaf)
    return frontier.root()


def inclusion_proof(index: int, leaves: Sequence[bytes]) -> list[bytes]:
    """PATH(m, D[n]) of RFC 9162 2.1.3.1, for leaf `index` among `leaves`."""
    if not 0 <= index < len(leaves):
        raise IndexError("leaf index outside the tree")
    path: list[bytes] = []
    lo, hi = 0, len(leaves)
    while hi - lo > 1:
        k = _split(hi - lo)
        if index < lo + k:
            path.append(root(leaves[lo + k : hi]))
            hi = lo + k
        else:
            path.append(root(leaves[lo : lo + k]))
            lo = lo + k
    path.reverse()  # RFC order: from the leaf's sibling up to the root's child
    return path


def verify_inclusion(index: int, size: int, leaf: bytes, path: Sequence[bytes], expected_root: bytes) -> bool:
    """RFC 9162 2.1.3.2: does `path` prove `leaf` at `index` in a tree of `size`?"""
    if not 0 <= index < size or not _hashes(leaf):
        return False  # a leaf hash of another length is no SHA-256 (transparency-dev checks it too)
    fn, sn = index, size - 1
    node = leaf
    for sibling in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            node = node_hash(sibling, node)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            node = node_hash(node, sibling)
        fn >>= 1
        sn >>= 1
    return sn == 0 and node == expected_root


def consistency_proof(old_size: int, leaves: Sequence[bytes]) -> list[bytes]:
    """PROOF(m, D[n]) of RFC 9162 2.1.4.1: that the tree of the first
    `old_size` leaves is a prefix of the tree of all `leaves`."""
    n = len(leaves)
    if not 0 <= old_size <= n:
        raise IndexError("the earlier tree is larger than the later one")
    if old_size in (0, n):
        return []  # nothing to prove: any tree extends the empty one, and itself
    path: list[bytes] = []
    lo, hi, m, whole = 0, n, old_size, True  # SUBPROOF(m, D[lo:hi], whole)
    while m != hi - lo:
        k = _split(hi - lo)
        if m <= k:
            path.append(root(leaves[lo + k : hi]))
            hi = lo + k
        else:
            path.append(root(leaves[lo : lo + k]))
            lo, m, whole = lo + k, m - k, False
    if not whole:
        path.append(root(leaves[lo:hi]))
    path.reverse()
    return path


def verify_consistency(old_size: int, new_size: int, old_root: bytes, new_root: bytes,
                       path: Sequence[bytes]) -> bool:
    """RFC 9162 2.1.4.2, with the edge cases (equal sizes, the empty tree) of
    its section 2.1.4: does `path` prove the later tree extends the earlier?"""
    if not 0 <= old_size <= new_size:
        return False
    if old_size == 0:
        return False  # from the empty tree a proof is meaningless (transparency-dev refuses it too)
    if old_size == new_size:
        return not path and old_root == new_root
    if not path:
        return False
    path = list(path)
    if old_size & (old_size - 1) == 0:  # a power of two: the old root is a node of the new tree
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while fn and not fn & 1:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == old_root and sr == new_root
