"""Candidates by Hyperscan over bytes, validation of candidates only.

The engine's tables come from the detectors' registry (`detectors/`): each
detector declares its candidate patterns, boundaries, context words and
resolvers. One compiled database holds every pattern matched with its start
(start-of-match tracking); patterns that are cheaper without it (e-mail
addresses, names) get a database each and find their starts again in
Python. Hyperscan reports every (pattern, start, end) it sees, overlapping
ones included; we keep, for each start, the longest end that passes the
candidate's boundary and a resolver, then settle overlaps between kinds by
priority. Everything here works on bytes of one buffer: locating findings in
lines is the scanner's job.

An `Engine` is safe to share between threads: the compiled databases are
read-only, and each thread gets its own Hyperscan scratch space.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_right
from dataclasses import dataclass

from senim.checks.personal_data.detectors import ALNUM, Candidate, Detector, Hit, registry, types as _types

TYPES = _types()
PRIORITY = {d.type: d.priority for d in registry().values()}
_CONTEXT_WINDOW = 40  # a context word must end at most this many bytes before a candidate, on its line


def _delimited(candidate: Candidate) -> bytes:
    return rb"(?:^|" + candidate.before + rb")(?:" + candidate.pattern + rb")(?:[^0-9A-Za-z]|$)"


def context_expression(words) -> bytes:
    """One expression for context words in lower, Title and UPPER case (ASCII
    letters also caselessly, by the database's flag), each after a line edge
    or a character that is not a letter. Words are prefixes: `тел` also stands
    in `телефон`."""
    variants = set()
    for word in words:
        variants |= {word, word.lower(), word[:1].upper() + word[1:].lower(), word.upper()}
    body = b"|".join(re.escape(v.encode("utf-8")) for v in sorted(variants))
    return rb"(?:^|[^A-Za-z\x80-\xff])(?:" + body + rb")"


def _trusted(path) -> bool:
    """A cache file Senim may load: a regular file (not a link) in a folder
    (not a link), both owned by this user and writable by nobody else. A
    database is machine code Hyperscan runs; a folder others can write to
    could hand it one that passes every check the file itself can carry."""
    import stat

    return _own(path.parent, stat.S_ISDIR) and _own(path, stat.S_ISREG)


def _own(path, kind) -> bool:
    """`path` is of this kind (not a link), owned by this user, writable by nobody else."""
    import os
    import stat

    try:
        info = os.lstat(path)
    except OSError:
        return False
    return kind(info.st_mode) and info.st_uid == os.geteuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _compiled(expressions: list[bytes], ids: list[int], flags: list[int]):
    """The Hyperscan database, from the cache in SENIM_HOME when this machine
    compiled the same patterns before (compiling takes ~80 ms per process,
    loading well under 1 ms). A cached file holds the key of its patterns and
    the SHA-256 of the database it carries, both checked before it is used:
    a file copied over another, cut short or damaged is compiled again. It is
    read only from a folder and file this user owns and nobody else can
    write (`_trusted`); the folder is made 0700. The key and the digest are
    not secrets, so the cache is as trusted as the user's own files, no more
    (docs/personal-data.md)."""
    import hashlib
    import platform
    import stat

    import hyperscan

    from senim.paths import senim_home, write_atomic

    key = hashlib.sha256(repr((expressions, ids, flags, hyperscan.__version__, platform.machine())).encode()).digest()
    folder = senim_home() / "cache"
    cached = folder / f"hyperscan-{key.hex()[:32]}.db"
    magic = b"senim-hs1"
    trusted = _trusted(cached)
    try:
        if trusted:
            blob = cached.read_bytes()
            head, stored_key, digest, body = blob[:9], blob[9:41], blob[41:73], blob[73:]
            if head == magic and stored_key == key and hashlib.sha256(body).digest() == digest:
                return hyperscan.loadb(body, hyperscan.HS_MODE_BLOCK)
    except Exception:  # absent, truncated, or built for another CPU
        pass
    database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    database.compile(expressions=expressions, ids=ids, elements=len(expressions), flags=flags)
    try:
        if not folder.exists():
            folder.mkdir(parents=True, mode=0o700)
        if _own(folder, stat.S_ISDIR):  # never into a folder others can write to
            body = hyperscan.dumpb(database)
            write_atomic(cached, magic + key + hashlib.sha256(body).digest() + body)
    except OSError:
        pass
    return database


@dataclass
class _Group:
    """One pattern as compiled, with the resolvers of the detectors that share it."""

    candidate: Candidate
    resolvers: list
    expression: bytes
    many: list  # the resolvers over arrays, with their types (when every sharer has one)


class Engine:
    """Compiled Hyperscan databases for the chosen types (and an
    organisation's own recognizers, `senim.checks.personal_data.recognizers`)."""

    def __init__(self, types: tuple[str, ...] = TYPES, custom: tuple[Detector, ...] = (),
                 allow: frozenset = frozenset(), min_confidence: float = 0.0):
        import hyperscan

        self.allow = allow
        self.min_confidence = min_confidence
        shipped = registry()
        chosen = [shipped[t] for t in types if t in shipped] + list(custom)
        self.detectors = {d.type: d for d in chosen}
        self.custom = bool(custom)
        self.types = frozenset(self.detectors)
        self.priority = {d.type: d.priority for d in chosen}
        groups: dict[str, _Group] = {}
        for detector in sorted(chosen, key=lambda d: (-d.priority, d.order, d.type)):
            for candidate in detector.candidates:
                group = groups.get(candidate.name)
                many = (detector.type, candidate.resolve_many)
                if group is None:
                    expression = _delimited(candidate) if candidate.delimited else candidate.pattern
                    groups[candidate.name] = _Group(candidate, [candidate.resolve], expression, [many])
                else:
                    if group.candidate.pattern != candidate.pattern:
                        raise ValueError(f"two candidates named {candidate.name!r} with other patterns")
                    group.resolvers.append(candidate.resolve)
                    group.many.append(many)
        self.groups = list(groups.values())
        for g in self.groups:
            usable = all(m for _, m in g.many) and g.candidate.start is None and g.candidate.boundary is None
            g.many = g.many if usable else []
        self._delimited_ids = [i for i, g in enumerate(self.groups) if g.candidate.delimited]
        self._body_start = {i: bytes(sorted(g.candidate.body_start)) for i, g in enumerate(self.groups)}
        flags_som = hyperscan.HS_FLAG_SOM_LEFTMOST | hyperscan.HS_FLAG_MULTILINE
        som = [i for i, g in enumerate(self.groups) if g.candidate.start is None]
        self.databases = []  # (database, [group index] for ends-only databases, or None)
        if som:
            self.databases.append((_compiled([self.groups[i].expression for i in som], som, [flags_som] * len(som)), None))
        for i, g in enumerate(self.groups):
            if g.candidate.start is not None:
                self.databases.append((_compiled([g.expression], [i], [hyperscan.HS_FLAG_MULTILINE]), i))
        context = {d.type: context_expression(d.context) for d in chosen if d.context}
        self.context_types = list(context)
        self.context_database = None
        if context:
            self.context_database = _compiled(
                list(context.values()), list(range(len(context))),
                [hyperscan.HS_FLAG_CASELESS | hyperscan.HS_FLAG_MULTILINE] * len(context))
        self.anchored = [(d.type, d.anchored) for d in chosen if d.anchored is not None and d.type in context]
        self._local = threading.local()

    def _scratches(self):
        """This thread's scratch spaces (Hyperscan's scratch is one per thread)."""
        scratches = getattr(self._local, "scratches", None)
        if scratches is None:
            import hyperscan

            scratches = [hyperscan.Scratch(db) for db, _ in self.databases]
            context = hyperscan.Scratch(self.context_database) if self.context_database is not None else None
            scratches = self._local.scratches = (scratches, context)
        return scratches

    def _raw(self, data: bytes):
        """Every (group index, start, end) of the start-of-match database, as
        NumPy arrays, the delimiters of delimited patterns taken off; and
        (group index, start) -> ends of the ends-only databases."""
        import numpy as np

        raw: list = []
        add = raw.append
        scratches, _ = self._scratches()
        ends_only: dict[tuple[int, int], list[int]] = {}
        groups = self.groups
        for (database, only), scratch in zip(self.databases, scratches):
            if only is None:
                database.scan(data, match_event_handler=lambda i, s, e, f, c: add((i, s, e)), scratch=scratch)
                continue
            ends: list[int] = []
            add_end = ends.append
            database.scan(data, match_event_handler=lambda i, s, e, f, c: add_end(e), scratch=scratch)
            candidate = groups[only].candidate
            start_of = candidate.start
            for end in ends:
                if candidate.trailing and data[end - 1] < 0x80 and data[end - 1] not in ALNUM:
                    end -= 1  # the one delimiter that ends the match
                key = (only, start_of(data, end))
                got = ends_only.get(key)
                if got is None:
                    ends_only[key] = [end]
                else:
                    got.append(end)
        if not raw:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, empty, ends_only
        table = np.array(raw, dtype=np.int64)
        index, start, end = table[:, 0], table[:, 1], table[:, 2]
        buffer = np.frombuffer(data, dtype=np.uint8)
        delimited = np.isin(index, self._delimited_ids)
        if delimited.any():
            # a delimiter byte before the body (not the body's first byte) and after it
            first = buffer[start]
            body = np.zeros(len(index), dtype=bool)
            for i in self._delimited_ids:
                here = index == i
                if here.any():
                    body[here] = np.isin(first[here], np.frombuffer(self._body_start[i], dtype=np.uint8))
            start = start + (delimited & ~body)
            last = buffer[end - 1]
            alnum = ((last >= 48) & (last <= 57)) | ((last | 32) >= 97) & ((last | 32) <= 122)
            end = end - (delimited & ~alnum)
        return index, start, end, ends_only

    def candidates(self, data: bytes) -> dict[tuple[int, int], list[int]]:
        """(group index, start) -> every end Hyperscan reported."""
        if not data:
            return {}
        index, start, end, found = self._raw(data)
        for i, s, e in zip(index.tolist(), start.tolist(), end.tolist()):
            got = found.get((i, s))
            if got is None:
                found[(i, s)] = [e]
            else:
                got.append(e)
        return found

    def context_ends(self, data: bytes) -> dict[str, list[int]]:
        """Per type, where its context words end in `data`, ascending."""
        if self.context_database is None or not data:
            return {}
        ends: list[list[int]] = [[] for _ in self.context_types]
        _, scratch = self._scratches()
        self.context_database.scan(data, match_event_handler=lambda i, s, e, f, c: ends[i].append(e), scratch=scratch)
        return dict(zip(self.context_types, ends))

    def scan(self, data: bytes, limit: int | None = None) -> list[tuple]:
        """Findings (byte start, byte end, type, confidence, value, valid) that
        start before `limit` (the rest of `data` is look-ahead), sorted by start."""
        limit = len(data) if limit is None else limit
        chosen: list[tuple] = []
        if not data:
            return chosen
        context = self.context_ends(data)
        index, starts, ends_all, found = self._raw(data)
        taken_spans: set = set()
        if len(index):
            import numpy as np

            order = np.lexsort((-ends_all, starts, index))
            index, starts, ends_all = index[order], starts[order], ends_all[order]
            first = np.ones(len(index), dtype=bool)
            first[1:] = (index[1:] != index[:-1]) | (starts[1:] != starts[:-1])
            vector = np.zeros(len(index), dtype=bool)
            for i, group in enumerate(self.groups):
                if not group.many:
                    continue
                here = index == i
                vector |= here
                pick = here & first & (starts < limit)
                if pick.any():
                    self._resolve_vector(data, group, starts[pick], ends_all[pick], context, chosen, taken_spans)
            rest = ~vector
            for i, s, e in zip(index[rest].tolist(), starts[rest].tolist(), ends_all[rest].tolist()):
                got = found.get((i, s))
                if got is None:
                    found[(i, s)] = [e]
                else:
                    got.append(e)
        where = [0]  # the start of the candidate being resolved

        def has(type_: str) -> bool:
            """A context word of this type ends at most _CONTEXT_WINDOW bytes
            before the candidate, on its line (only the last such end counts)."""
            ends = context.get(type_)
            if not ends:
                return False
            start = where[0]
            i = bisect_right(ends, start)
            return i > 0 and start - ends[i - 1] <= _CONTEXT_WINDOW and data.find(b"\n", ends[i - 1], start) < 0

        types = self.types
        groups = self.groups
        for (index, start), ends in found.items():
            if start >= limit:
                continue
            group = groups[index]
            candidate = group.candidate
            boundary = candidate.boundary
            where[0] = start
            if len(ends) > 1:
                ends = sorted(set(ends), reverse=True)
                if candidate.longest_only:
                    ends = ends[:1]
            if (start, ends[0]) in taken_spans:
                continue  # already a finding (a Kazakh phone is also an international number)
            for end in ends:
                if boundary is not None and not boundary(data, start, end):
                    continue
                text = data[start:end].decode(candidate.decode, "replace")
                hit = None
                for resolve in group.resolvers:
                    hit = resolve(text, has)
                    if hit is not None and hit[0] in types:
                        break
                    hit = None
                if hit is None:
                    continue
                if hit.start is not None:
                    s, e = start + hit.start, start + hit.end
                    chosen.append((s, e, hit.type, hit.confidence, data[s:e].decode("utf-8", "replace"), hit.valid))
                else:
                    chosen.append((start, end, hit.type, hit.confidence, text, hit.valid))
                break
        for type_, anchored in self.anchored:
            for end in context.get(type_, ()):
                got = anchored(data, end)
                if got is not None and got[0] < limit:
                    s, e, confidence = got
                    chosen.append((s, e, type_, confidence, data[s:e].decode("utf-8", "replace"), True))
        settled = _settle(chosen, self.priority)
        if self.allow or self.min_confidence:
            detectors = self.detectors
            settled = [f for f in settled if f[3] >= self.min_confidence and not (
                self.allow and (f[4].strip().lower() in self.allow
                                or detectors[f[2]].compact(f[4]).strip().lower() in self.allow))]
        return settled


    def _resolve_vector(self, data: bytes, group: _Group, starts, ends, context: dict, chosen: list, taken_spans: set):
        """Resolve a group's candidates over arrays (the longest end of each
        start); Python touches only the findings."""
        import numpy as np

        buffer = np.frombuffer(data, dtype=np.uint8)

        def near(type_: str):
            words = context.get(type_)
            if not words:
                return np.zeros(len(starts), dtype=bool)
            words = np.asarray(words, dtype=np.int64)
            i = np.searchsorted(words, starts, side="right") - 1
            prev = words[np.maximum(i, 0)]
            close = (i >= 0) & (starts - prev <= _CONTEXT_WINDOW)
            # no line end between the word and the candidate (looked at only where it matters)
            for k in np.flatnonzero(close).tolist():
                if data.find(b"\n", int(prev[k]), int(starts[k])) >= 0:
                    close[k] = False
            return close

        left = np.ones(len(starts), dtype=bool)
        for type_, resolve_many in group.many:
            if type_ not in self.types or not left.any():
                continue
            taken, confidence, valid = resolve_many(buffer, starts, ends, near)
            taken &= left
            left &= ~taken
            for s, e, c, v in zip(starts[taken].tolist(), ends[taken].tolist(), confidence[taken].tolist(),
                                  valid[taken].tolist()):
                chosen.append((s, e, type_, c, data[s:e].decode("ascii", "replace"), v))
                taken_spans.add((s, e))


def _settle(found: list[tuple], priority: dict[str, int]) -> list[tuple]:
    """Drop findings that overlap a higher-priority (or longer) one.

    Findings are cut into clusters of mutually reachable overlaps (a sweep by
    start); the greedy choice by priority runs inside each small cluster.
    """
    if len(found) < 2:
        return sorted(found)
    found.sort()
    kept: list[tuple] = []
    cluster = [found[0]]
    reach = found[0][1]
    for f in found[1:]:
        if f[0] < reach:
            cluster.append(f)
            if f[1] > reach:
                reach = f[1]
            continue
        if len(cluster) == 1:  # most findings overlap nothing
            kept.append(cluster[0])
        else:
            kept.extend(_choose(cluster, priority))
        cluster, reach = [f], f[1]
    kept.extend(_choose(cluster, priority))
    return kept


def _choose(cluster: list, priority: dict[str, int]) -> list:
    if len(cluster) == 1:
        return cluster
    cluster.sort(key=lambda f: (-priority[f[2]], f[0] - f[1], f[0]))
    chosen: list = []
    for f in cluster:
        if not any(f[0] < c[1] and c[0] < f[1] for c in chosen):
            chosen.append(f)
    chosen.sort()
    return chosen


_ENGINES: dict[tuple, Engine] = {}
_LOCK = threading.Lock()


def engine_for(types: tuple[str, ...], recognizers: str = "") -> Engine:
    """The process's engine for these types and recognizers (compiled once per
    process; `recognizers` is the spec of an organisation's own recognizers,
    allow list and threshold, see `recognizers.load`)."""
    key = (tuple(sorted(types)), recognizers)
    engine = _ENGINES.get(key)
    if engine is None:
        with _LOCK:
            engine = _ENGINES.get(key)
            if engine is None:
                custom, allow, threshold = (), frozenset(), 0.0
                if recognizers:
                    from senim.checks.personal_data.recognizers import detectors, options

                    custom = detectors(recognizers)
                    allow, threshold = options(recognizers)
                engine = _ENGINES[key] = Engine(key[0], custom, allow, threshold)
    return engine


__all__ = ["TYPES", "PRIORITY", "Engine", "engine_for", "Hit"]
