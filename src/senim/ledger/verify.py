"""Checking a ledger: the chain, the canonical form, the Merkle roots and the
signed checkpoints, from any source of rows (a database or an export bundle).

The first problem found is reported with the entry (or checkpoint) it is in.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from hashlib import sha256
from itertools import islice
from typing import Callable, Iterable, Iterator, Mapping, Sequence

from cryptography.exceptions import InvalidSignature

from senim.ledger.canonical import is_canonical
from senim.ledger.chain import GENESIS_PREV, ORIGIN
from senim.ledger.merkle import Frontier


@dataclass
class Verdict:
    ok: bool
    entries: int = 0
    checkpoints: int = 0
    root: str | None = None
    problem: str | None = None
    entry: int | None = None
    checkpoint: int | None = None
    keys: list[str] = field(default_factory=list)  # the keys that signed a checkpoint
    genesis: str | None = None  # leaf hash of entry 1: the ledger's identity for pins

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "entries": self.entries,
            "checkpoints": self.checkpoints,
            "root": self.root,
            "problem": self.problem,
            "entry": self.entry,
            "checkpoint": self.checkpoint,
            "keys": self.keys,
        }


@dataclass(frozen=True)
class Seen:
    """A checkpoint seen before (tree size and root), as a CT client keeps the
    last signed tree head: the ledger must still reproduce that root."""

    size: int
    root: bytes
    where: str = "--since"


def parse_seen(value: str | None, field: str = "since") -> Seen | None:
    """SIZE:ROOT, a checkpoint seen before (a tree size and 64 hex digits of
    root), as `ledger verify` and bundle.json print it; None for None. A value
    of another form is a ParameterError of `field`."""
    if value is None:
        return None
    from senim.errors import ParameterError

    size, _, root = value.partition(":")
    try:
        seen = Seen(int(size), bytes.fromhex(root))
    except ValueError:
        seen = None
    if seen is None or seen.size < 1 or len(seen.root) != 32:
        raise ParameterError(f"{value[:80]!r} is not SIZE:ROOT (a tree size of 1 or more, a colon and the 64 hex "
                             "digits of its root, as `ledger verify` or bundle.json prints them)", field=field)
    return seen


class _Bad(Exception):
    def __init__(self, message: str, entry: int | None = None, checkpoint: int | None = None):
        super().__init__(message)
        self.entry = entry
        self.checkpoint = checkpoint


@dataclass
class Checkpoint:
    number: int
    size: int
    root: str
    body: dict
    frontier: list[str] | None


def read_checkpoints(rows: Iterable[tuple], public_keys: Mapping[str, object],
                     signers: set[str] | None = None) -> list[Checkpoint]:
    """Check each checkpoint's form, numbering and signature.

    rows: (stored id, body text, signature hex, frontier JSON or None), in id order.
    """
    result: list[Checkpoint] = []
    previous_size = 0
    for position, (stored_id, body_text, signature, frontier_text) in enumerate(rows, start=1):
        where = f"checkpoint {stored_id}"
        if stored_id != position:
            raise _Bad(f"{where}: expected checkpoint {position} here (one is missing or out of order)", checkpoint=position)
        good, body = is_canonical(body_text)
        if not good or not isinstance(body, dict):
            raise _Bad(f"{where}: the signed body is not canonical JSON", checkpoint=stored_id)
        if body.get("origin") != ORIGIN or body.get("checkpoint") != stored_id:
            raise _Bad(f"{where}: the signed body names another ledger or checkpoint", checkpoint=stored_id)
        key = public_keys.get(body.get("key"))
        if key is None:
            trusted = ", ".join(k[:16] for k in sorted(public_keys)) or "none"
            raise _Bad(f"{where}: signed by key {str(body.get('key'))[:16]}, which is not trusted (trusted: {trusted})",
                       checkpoint=stored_id)
        try:
            key.verify(bytes.fromhex(signature), body_text.encode("utf-8"))
        except (InvalidSignature, ValueError, TypeError):
            raise _Bad(f"{where}: the signature does not match", checkpoint=stored_id) from None
        size = body.get("size")
        if not isinstance(size, int) or size <= previous_size:
            raise _Bad(f"{where}: tree size {size} does not grow from {previous_size}", checkpoint=stored_id)
        frontier = None
        if frontier_text is not None:
            try:
                frontier = json.loads(frontier_text)
            except ValueError:
                raise _Bad(f"{where}: the stored frontier is not JSON", checkpoint=stored_id) from None
        if signers is not None:
            signers.add(body["key"])
        result.append(Checkpoint(stored_id, size, str(body.get("root")), body, frontier))
        previous_size = size
    return result


def verify_rows(
    entries: Iterable[tuple],
    checkpoint_rows: Iterable[tuple],
    public_keys: Mapping[str, object],
    observe: Callable[[int, dict], None] | None = None,
    since: Seen | Sequence[Seen] | None = None,
    unreadable: Callable[[int], Exception] | None = None,
) -> Verdict:
    """entries: (seq, entry text, stored leaf hash or None), in seq order.

    observe(seq, entry) sees every entry that passed its checks, so a caller
    can compare its own tables with the ledger in the same pass. `since` is a
    checkpoint seen before: entries 1..size must still give its root.
    """
    verdict = Verdict(ok=False)
    signers: set[str] = set()
    try:
        checkpoints = read_checkpoints(checkpoint_rows, public_keys, signers)
        verdict.checkpoints = len(checkpoints)
        verdict.keys = sorted(signers)
        seen = [since] if isinstance(since, Seen) else list(since or ())
        _walk(entries, checkpoints, verdict, observe, {s.size: s for s in seen}, unreadable)
    except _Bad as bad:
        verdict.problem = str(bad)
        verdict.entry = bad.entry
        verdict.checkpoint = bad.checkpoint
        return verdict
    verdict.ok = True
    return verdict


def _walk(entries: Iterable[tuple], checkpoints: list[Checkpoint], verdict: Verdict,
          observe: Callable[[int, dict], None] | None, since: dict[int, Seen],
          unreadable: Callable[[int], Exception] | None = None) -> None:
    """Entries in batches: the walker takes what it can (the compiled walk, the
    common entry), `_step` reads the rest in full; both hold the same chain and
    frontier, and the walk pauses at each size where a root is to be checked."""
    walker = walker_for(GENESIS_PREV)
    pending = iter(checkpoints)
    current = next(pending, None)
    stops = iter(sorted({c.size for c in checkpoints} | set(since)))
    stop = next(stops, -1)
    if type(walker) is PythonWalker:  # no batches: every row is read in full
        for row in entries:
            _step(row, walker, observe, unreadable)
            if walker.size == stop:
                current = _pause(walker, current, pending, since)
                stop = next(stops, -1)
        return _end(walker, current, checkpoints, verdict, since)
    feed = walker.feed
    for batch in _batches(entries):
        i, n = 0, len(batch)
        while i < n:
            j = feed(batch, i, stop)
            if observe is not None:
                for seq, text, _ in batch[i:j]:
                    observe(seq, _read(text))
            if j < n and walker.size != stop:  # the walker left this row: read it in full
                _step(batch[j], walker, observe, unreadable)
                j += 1
            i = j
            if walker.size == stop:
                current = _pause(walker, current, pending, since)
                stop = next(stops, -1)
    _end(walker, current, checkpoints, verdict, since)


def _end(walker, current: Checkpoint | None, checkpoints: list[Checkpoint], verdict: Verdict,
         since: dict[int, Seen]) -> None:
    count = walker.size
    verdict.entries = count
    verdict.genesis = walker.genesis.hex() if walker.genesis is not None else None
    verdict.root = _frontier(walker).root().hex()
    if current is not None:
        raise _Bad(
            f"entry {count + 1}: missing; checkpoint {current.number} covers {current.size} entries",
            entry=count + 1,
            checkpoint=current.number,
        )
    covered = checkpoints[-1].size if checkpoints else 0
    if covered < count:
        raise _Bad(f"entry {covered + 1}: not covered by any signed checkpoint", entry=covered + 1)
    for size in sorted(s for s in since if s > count)[:1]:
        raise _Bad(f"the ledger holds {count} entries, fewer than the {size} of the checkpoint seen before "
                   f"({since[size].where}): its tail was cut", entry=count + 1)


def _step(row: tuple, walker, observe, unreadable) -> None:
    """Every check on one entry, with the value read in full; the entry is then
    given to the walker."""
    seq, text, stored_hash = row
    expected = walker.size + 1
    if seq != expected:
        missing = expected if seq > expected else seq
        raise _Bad(f"entry {missing}: expected entry {expected} but found entry {seq}", entry=missing)
    data = text.encode("utf-8")
    good, value = is_canonical(text, data)
    if not good or type(value) is not dict:
        if not good and value is None and unreadable is not None:
            raise unreadable(seq)  # not JSON at all: a damaged file, not a changed entry
        raise _Bad(f"entry {seq}: not canonical JSON (RFC 8785)", entry=seq)
    if value.get("seq") != seq:
        raise _Bad(f"entry {seq}: holds sequence number {value.get('seq')!r}", entry=seq)
    if value.get("prev") != walker.prev:
        raise _Bad(f"entry {seq}: does not chain to the entry before it", entry=seq)
    # seq and prev are there (checked above); five fields, or six with an actor object
    held = len(value)
    if not ((held == 5 or (held == 6 and isinstance(value.get("actor"), dict)))
            and "time" in value and "kind" in value and "data" in value):
        raise _Bad(f"entry {seq}: has other fields than seq, time, kind, data, prev (and an actor object)",
                   entry=seq)
    leaf = sha256(b"\x00" + data).digest()
    if stored_hash is not None and stored_hash != leaf.hex():
        raise _Bad(f"entry {seq}: the stored hash does not match its content", entry=seq)
    walker.accept(leaf)
    if observe is not None:
        observe(seq, value)


def _pause(walker, current: Checkpoint | None, pending, since: dict[int, Seen]) -> Checkpoint | None:
    """At a size where a checkpoint, or one seen before, gives a root: check it;
    the next checkpoint to wait for."""
    size = walker.size
    frontier = _frontier(walker)
    if size in since:
        _check_seen(since[size], frontier)
    if current is not None and current.size == size:
        if frontier.root().hex() != current.root:
            raise _Bad(f"checkpoint {current.number}: its root does not match entries 1-{size}",
                       entry=size, checkpoint=current.number)
        if current.frontier is not None and current.frontier != [h.hex() for h in frontier.hashes]:
            raise _Bad(f"checkpoint {current.number}: the stored frontier is wrong", checkpoint=current.number)
        current = next(pending, None)
    return current


def _batches(entries: Iterable[tuple], size: int = 4096) -> Iterator[list]:
    rows = iter(entries)
    while batch := list(islice(rows, size)):
        yield batch


def _frontier(walker) -> Frontier:
    return Frontier(walker.size, walker.hashes())


class PythonWalker:
    """The walker where the compiled one is not built: it takes no row itself
    (it has no `feed`), so `_walk` has `_step` read each one."""

    __slots__ = ("prev", "genesis", "size", "_hashes")

    def __init__(self, prev: str) -> None:
        self.prev = prev
        self.genesis: bytes | None = None
        self.size = 0
        self._hashes: list[bytes] = []

    def accept(self, leaf: bytes) -> None:
        if self.genesis is None:
            self.genesis = leaf
        hashes, node, size = self._hashes, leaf, self.size
        while size & 1:  # Frontier.append, inlined: merge equal-height subtrees like a binary carry
            node = sha256(b"\x01" + hashes.pop() + node).digest()
            size >>= 1
        hashes.append(node)
        self.size += 1
        self.prev = leaf.hex()

    def hashes(self) -> list[bytes]:
        return list(self._hashes)


try:
    from senim.ledger._walk import Walker as CompiledWalker  # built from _walk.c by the install
except ImportError:  # no compiler or OpenSSL headers where Senim was installed
    CompiledWalker = None


def walker_for(prev: str):
    return CompiledWalker(prev) if CompiledWalker is not None else PythonWalker(prev)


try:  # the value of an entry the compiled walker took, for `observe` (integers and strings only)
    from msgspec.json import decode as _read
except ImportError:
    _read = json.loads


def _check_seen(since: Seen, frontier: Frontier) -> None:
    if frontier.root() != since.root:
        raise _Bad(f"entries 1-{since.size} no longer give the root of the checkpoint seen before ({since.where}): "
                   "the ledger was rewritten", entry=since.size)
