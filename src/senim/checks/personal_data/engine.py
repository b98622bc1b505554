"""Candidates by Hyperscan over bytes, validation of candidates only.

One compiled database holds a pattern per kind of candidate. Hyperscan reports
every (pattern, leftmost start, end) it sees, overlapping ones included; we
keep, for each start, the longest end that passes the kind's boundary rule and
its detector, then settle overlaps between kinds by priority. Everything here
works on bytes of one buffer: locating findings in lines is `locate`'s job.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from importlib import resources

from senim.checks.personal_data.detectors import (
    email,
    iban,
    ip_address,
    kz_bin,
    kz_id_card,
    kz_iin,
    kz_passport,
    payment_card,
    person_name,
    phone,
)
from senim.identifiers import kz_check_digit

TYPES = (
    "kz_iin", "kz_bin", "iban", "payment_card", "phone", "email",
    "ip_address", "kz_passport", "kz_id_card", "person_name",
)
# Who wins when two findings overlap (an IIN inside an e-mail address, a
# Kazakh phone that is also an E.164 number).
PRIORITY = {
    "email": 10, "iban": 9, "payment_card": 8, "kz_iin": 7, "kz_bin": 7, "phone": 6,
    "kz_passport": 5, "kz_id_card": 4, "ip_address": 3, "person_name": 2,
}

_CAP = rb"(?:[A-Z]|\xD0[\x81\x86\x90-\xAF]|\xD2[\x92\x9A\xA2\xAE\xB0\xBA]|\xD3[\x98\xA8])"
_LOW = rb"(?:[a-z]|\xD0[\xB0-\xBF]|\xD1[\x80-\x8F\x91\x96]|\xD2[\x93\x9B\xA3\xAF\xB1\xBB]|\xD3[\x99\xA9])"
_WORD = _CAP + _LOW + rb"+(?:-" + _CAP + _LOW + rb"+)?"

# kind: (pattern, the types it can yield). Patterns are ASCII-only classes
# (and explicit UTF-8 bytes for Cyrillic capitals), never Unicode \d or \b.
CANDIDATES: dict[str, tuple[bytes, tuple[str, ...]]] = {
    "digits12": (rb"[0-9]{12}", ("kz_iin", "kz_bin")),
    "card": (rb"[0-9]{4}(?:[ -]?[0-9]{4}){2}[ -]?[0-9]{1,7}|3[47][0-9]{2}[ -]?[0-9]{6}[ -]?[0-9]{5}", ("payment_card",)),
    "iban": (rb"[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?", ("iban",)),
    "phone_kz": (
        rb"(?:\+7|8|7)[ -]?(?:\(7[0-9]{2}\)|7[0-9]{2})[ -]?[0-9]{3}[ -]?[0-9]{2}[ -]?[0-9]{2}"
        rb"|(?:\+7|8)[ -]?(?:\(7[0-9]{3}\)|7[0-9]{3})[ -]?[0-9]{2}[ -]?[0-9]{2}[ -]?[0-9]{2}",
        ("phone",),
    ),
    "phone_intl": (rb"\+[1-9][0-9 ()-]{6,20}[0-9]", ("phone",)),
    "email": (rb"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}(?:[^A-Za-z0-9-]|$)", ("email",)),
    "ipv4": (rb"[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}", ("ip_address",)),
    "ipv6": (rb"[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{0,4}){2,7}", ("ip_address",)),
    "passport": (rb"[Nn] ?[0-9]{8}", ("kz_passport",)),
    "id9": (rb"[0-9]{9}", ("kz_id_card",)),
    "name": (_WORD + rb"(?: " + _WORD + rb")+(?:[^A-Za-z\x80-\xff]|$)", ("person_name",)),
}

_ALNUM = frozenset(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_DIGIT = frozenset(b"0123456789")
_HEX_COLON = frozenset(b"0123456789ABCDEFabcdef:")
_EMAIL_CHARS = frozenset(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz._%+-")
_IBAN_BEFORE = re.compile(rb"(?<![A-Za-z0-9])[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4})* ?\Z")
_CONTEXT_WINDOW = 40  # a context word must end at most this many bytes before a candidate, on its line


def _boundary(kind: str, data: bytes, start: int, end: int) -> bool:
    """Is the candidate delimited on both sides, as its kind requires?"""
    before = data[start - 1] if start else None
    after = data[end] if end < len(data) else None
    if kind == "name":
        return (before is None or (before < 0x80 and before not in _ALNUM)) and (
            after is None or after < 0x80 and after not in _ALNUM
        )
    if kind == "email":
        return (before is None or before not in _EMAIL_CHARS) and (after is None or after not in _ALNUM)
    if kind == "ipv4":
        ok = lambda b: b is None or (b not in _DIGIT and b != 0x2E)  # noqa: E731
        if after == 0x2E and end + 1 < len(data) and data[end + 1] in _DIGIT:
            return False
        return (before is None or (before not in _ALNUM and before != 0x2E)) and ok(after) or (
            (before is None or before not in _ALNUM and before != 0x2E) and after == 0x2E
        )
    if kind == "ipv6":
        return (before is None or before not in _HEX_COLON and before not in _ALNUM) and (
            after is None or after not in _HEX_COLON and after not in _ALNUM
        )
    if kind in ("phone_kz", "phone_intl"):
        return (before is None or (before not in _ALNUM and before != 0x2B)) and (after is None or after not in _ALNUM)
    if kind == "card" and _IBAN_BEFORE.search(data, max(0, start - 40), start):
        return False  # the account part of an IBAN whose check digits failed
    # identifiers made of digits and letters
    return (before is None or before not in _ALNUM) and (after is None or after not in _ALNUM)


def _digits12(text: str, has):
    # the check digit first: most 12-digit numbers are not identifiers
    k = kz_check_digit(text)
    if k is None or k != ord(text[11]) - 48:
        return None
    try:  # twelve digits with a right check digit: an IIN if they begin with a birth date
        kz_iin.birth_date(text)
        return "kz_iin", 0.99 if has("kz_iin") else 0.85
    except ValueError:
        pass
    if kz_bin.is_valid(text):
        return "kz_bin", 0.99 if has("kz_bin") else 0.85
    return None


def _card(text: str, has):
    if payment_card.is_valid(text):
        return "payment_card", 0.99 if has("payment_card") else 0.9
    return None


def _iban(text: str, has):
    return ("iban", 0.99) if iban.is_valid(text) else None


def _phone_kz(text: str, has):
    # the pattern admits only +7 7xx numbers of ten digits: phone.is_valid
    # holds for every match (tests/personal_data/test_pd_fastpaths.py)
    return "phone", 0.95 if has("phone") else 0.8


def _phone_intl(text: str, has):
    try:
        phone.validate_international(text)
    except ValueError:
        return None
    if phone.is_valid(text):
        return "phone", 0.95 if has("phone") else 0.8
    return ("phone", 0.75) if has("phone") else None


def _email(text: str, has):
    return ("email", 0.95) if email.is_valid(text) else None


def _ip(text: str, has):
    if ip_address.is_valid(text):
        return "ip_address", 0.9 if has("ip_address") else 0.6
    return None


def _passport(text: str, has):
    return ("kz_passport", 0.85) if kz_passport.is_valid(text) and has("kz_passport") else None


def _id9(text: str, has):
    return ("kz_id_card", 0.75) if kz_id_card.is_valid(text) and has("kz_id_card") else None


# kind of candidate -> (its text, has(type) -> a context word is near) -> (type, confidence) or None
RESOLVE = {
    "digits12": _digits12, "card": _card, "iban": _iban, "phone_kz": _phone_kz, "phone_intl": _phone_intl,
    "email": _email, "ipv4": _ip, "ipv6": _ip, "passport": _passport, "id9": _id9,
}


# Kinds whose pattern carries its own delimiters, so that Hyperscan does not
# report every 9-digit window of a 12-digit number: one character (or a line
# edge) that cannot continue the identifier on each side.
DELIMITED = frozenset({"digits12", "card", "iban", "phone_kz", "phone_intl", "passport", "id9", "ipv4"})
# Of those, the kinds whose `_boundary` rule is exactly the pattern's own
# delimiters (bodies start in _BODY_START and end with a letter or digit), so
# that the check can be skipped; a card also must not end an IBAN.
SELF_DELIMITED = DELIMITED - {"card", "ipv4"}
_BODY_START = frozenset(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+")
CONTEXT_BASE = 1000
# Types whose confidence or very report depends on a context word (an e-mail
# address or an IBAN is sure enough by itself).
USES_CONTEXT = frozenset({"kz_iin", "kz_bin", "payment_card", "phone", "ip_address", "kz_passport", "kz_id_card"})


# The byte before an IPv4 address may be `+` but not `.`: its bodies start with a digit.
_BEFORE = {"ipv4": rb"[^0-9A-Za-z.]"}
_IP_START = frozenset(b"0123456789")


def _delimited(kind: str, body: bytes) -> bytes:
    return rb"(?:^|" + _BEFORE.get(kind, rb"[^0-9A-Za-z+]") + rb")(?:" + body + rb")(?:[^0-9A-Za-z]|$)"


@lru_cache(maxsize=1)
def context_words() -> dict[str, list[str]]:
    """Per type, its context words, from data/context_words.txt."""
    text = (resources.files("senim.checks.personal_data") / "data" / "context_words.txt").read_text("utf-8")
    words = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            kind, _, listed = line.partition(":")
            words[kind.strip()] = [w.strip() for w in listed.split("|") if w.strip()]
    return words


def _context_expressions(types: frozenset[str]) -> dict[str, bytes]:
    """Per type, one expression for its context words in lower, Title and
    UPPER case (ASCII letters also caselessly, by the database's flag), each
    after a line edge or a character that is not a letter. Words are prefixes:
    `тел` also stands in `телефон`."""
    expressions = {}
    for kind, words in context_words().items():
        if kind not in types or kind not in USES_CONTEXT:
            continue
        variants = set()
        for word in words:
            variants |= {word, word.lower(), word[:1].upper() + word[1:].lower(), word.upper()}
        body = b"|".join(re.escape(v.encode("utf-8")) for v in sorted(variants))
        expressions[kind] = rb"(?:^|[^A-Za-z\x80-\xff])(?:" + body + rb")"
    return expressions


def _compiled(expressions: list[bytes], ids: list[int], flags: list[int]):
    """The Hyperscan database, from the cache in SENIM_HOME when this machine
    compiled the same patterns before (compiling takes ~80 ms per process,
    loading well under 1 ms); any trouble with the cache means compiling."""
    import hashlib
    import platform

    import hyperscan

    from senim.paths import senim_home, write_atomic

    key = hashlib.sha256(repr((expressions, ids, flags, hyperscan.__version__, platform.machine())).encode()).hexdigest()
    cached = senim_home() / "cache" / f"hyperscan-{key[:32]}.db"
    try:
        return hyperscan.loadb(cached.read_bytes(), hyperscan.HS_MODE_BLOCK)
    except Exception:  # absent, truncated, or built for another CPU
        pass
    database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    database.compile(expressions=expressions, ids=ids, elements=len(expressions), flags=flags)
    try:
        write_atomic(cached, hyperscan.dumpb(database))
    except OSError:
        pass
    return database


# The leftmost start of a name candidate, found again in Python from its end:
# Hyperscan's start-of-match tracking costs as much as the rest of the
# patterns together, and there are few name candidates.
_NAME_TAIL = re.compile(rb"(?:" + _WORD + rb" )+" + _WORD + rb"(?:[^A-Za-z\x80-\xff])?\Z")
_NAME_LOOKBACK = 96  # bytes; a longer run of capitalised words widens the look


def _name_start(data: bytes, end: int) -> int:
    """Where the longest name candidate that Hyperscan reported ending at `end` begins."""
    line_start = data.rfind(b"\n", 0, end - 1) + 1
    low = max(line_start, end - _NAME_LOOKBACK)
    while True:
        match = _NAME_TAIL.search(data, low, end)
        if match is None:  # cannot happen for an end Hyperscan reported; keep the end alone
            return end
        start = match.start()
        if low == line_start:
            return start
        # The run goes on to the left only through a space or hyphen after a
        # letter; then it may have begun before the window: look further.
        joiner = data[start - 1] in (0x20, 0x2D)
        letter = data[start - 2] >= 0x80 or 0x61 <= data[start - 2] <= 0x7A
        if start > low and not (joiner and letter):
            return start
        low = max(line_start, low - 4 * _NAME_LOOKBACK)


# The same for e-mail addresses: the local part is the run of its characters
# before the last `@` (the domain has none).
_EMAIL_LOCAL = re.compile(rb"[A-Za-z0-9._%+-]+\Z")
_EMAIL_LOOKBACK = 128


def _email_start(data: bytes, end: int) -> int:
    at = data.rfind(b"@", 0, end - 1)  # the byte at end - 1 may be a delimiter `@`
    low = max(0, at - _EMAIL_LOOKBACK)
    while True:
        match = _EMAIL_LOCAL.search(data, low, at)
        if match is None:  # cannot happen for an end Hyperscan reported
            return at
        if match.start() > low or low == 0:
            return match.start()
        low = max(0, low - 8 * _EMAIL_LOOKBACK)


class Engine:
    """Compiled Hyperscan databases for the chosen types; one per process.

    Three databases, because together they cost more than apart: identifiers
    with start-of-match, and e-mail addresses and names with ends only (for
    them start-of-match costs more than the rest of the scan)."""

    def __init__(self, types: tuple[str, ...] = TYPES):
        import hyperscan

        self.types = frozenset(types)
        self.kinds = [k for k, (_, yields) in CANDIDATES.items() if self.types.intersection(yields) and k != "name"]
        self.names = "person_name" in self.types
        context = _context_expressions(self.types)
        self.context_types = list(context)
        if context:
            self.context_database = _compiled(
                list(context.values()), list(range(len(context))),
                [hyperscan.HS_FLAG_CASELESS | hyperscan.HS_FLAG_MULTILINE] * len(context))
            self.context_scratch = hyperscan.Scratch(self.context_database)
        expressions = [_delimited(k, CANDIDATES[k][0]) if k in DELIMITED else CANDIDATES[k][0] for k in self.kinds]
        self.delimited = [k in DELIMITED for k in self.kinds]
        self.body_start = [_IP_START if k == "ipv4" else _BODY_START for k in self.kinds]
        # e-mail patterns end with one delimiter byte (so that Hyperscan
        # reports a match once per address end, not at every letter)
        self.trailing = [k == "email" for k in self.kinds]
        som = [i for i, k in enumerate(self.kinds) if k != "email"]
        self.database = None
        if som:
            flags = [hyperscan.HS_FLAG_SOM_LEFTMOST | hyperscan.HS_FLAG_MULTILINE] * len(som)
            self.database = _compiled([expressions[i] for i in som], som, flags)
            self.scratch = hyperscan.Scratch(self.database)
        self.email = self.kinds.index("email") if "email" in self.kinds else None
        if self.email is not None:
            self.email_database = _compiled([CANDIDATES["email"][0]], [self.email], [hyperscan.HS_FLAG_MULTILINE])
            self.email_scratch = hyperscan.Scratch(self.email_database)
        if self.names:
            self.name_database = _compiled([CANDIDATES["name"][0]], [0], [hyperscan.HS_FLAG_MULTILINE])
            self.name_scratch = hyperscan.Scratch(self.name_database)

    def candidates(self, data: bytes):
        """(kind index, start) -> every end Hyperscan reported, for identifiers;
        and the ends of name candidates."""
        found: dict[tuple[int, int], list[int]] = {}
        delimited = self.delimited
        body_start = self.body_start
        trailing = self.trailing

        def on_match(index: int, start: int, end: int, flags: int, _context: object) -> None:
            if delimited[index]:
                if data[start] not in body_start[index]:
                    start += 1
                if data[end - 1] not in _ALNUM:
                    end -= 1
            elif trailing[index] and data[end - 1] < 0x80 and data[end - 1] not in _ALNUM:
                end -= 1  # the one delimiter that ends an e-mail address
            key = (index, start)
            ends = found.get(key)
            if ends is None:
                found[key] = [end]
            else:
                ends.append(end)

        name_ends: list[int] = []
        if data:
            if self.database is not None:
                self.database.scan(data, match_event_handler=on_match, scratch=self.scratch)
            if self.email is not None:
                email_ends: list[int] = []
                add_email = email_ends.append
                self.email_database.scan(data, match_event_handler=lambda i, s, e, f, c: add_email(e),
                                         scratch=self.email_scratch)
                for end in email_ends:
                    on_match(self.email, _email_start(data, end), end, 0, None)
            if self.names:
                add = name_ends.append
                self.name_database.scan(data, match_event_handler=lambda i, s, e, f, c: add(e),
                                        scratch=self.name_scratch)
        return found, name_ends

    def context_ends(self, data: bytes) -> dict[str, list[int]]:
        """Per type, where its context words end in `data`, ascending."""
        if not self.context_types or not data:
            return {}
        ends: list[list[int]] = [[] for _ in self.context_types]
        self.context_database.scan(data, match_event_handler=lambda i, s, e, f, c: ends[i].append(e),
                                   scratch=self.context_scratch)
        return dict(zip(self.context_types, ends))

    def scan(self, data: bytes, limit: int | None = None) -> list[tuple[int, int, str, float, str]]:
        """Findings (byte start, byte end, type, confidence, value) that start
        before `limit` (the rest of `data` is look-ahead), sorted by start."""
        limit = len(data) if limit is None else limit
        chosen: list[tuple[int, int, str, float, str]] = []
        found, name_ends = self.candidates(data)
        if name_ends:
            longest: dict[int, int] = {}
            for end in name_ends:
                start = _name_start(data, end)
                last = data[end - 1]
                if last < 0x80 and last not in _ALNUM:
                    end -= 1  # the one delimiter that ends a name
                if start < limit and end > longest.get(start, -1):
                    longest[start] = end
            for start, end in longest.items():
                hit = self._name(data, start, end)
                if hit:
                    chosen.append(hit)
        kinds = self.kinds
        checked = [k not in SELF_DELIMITED for k in kinds]
        context = self.context_ends(data)
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

        resolvers = [RESOLVE[k] for k in kinds]
        types = self.types
        # a Kazakh number is also an international one: the same span twice
        kz = kinds.index("phone_kz") if "phone_kz" in kinds else None
        intl = kinds.index("phone_intl") if "phone_intl" in kinds else None
        for (index, start), ends in found.items():
            if start >= limit:
                continue
            if index == intl and kz is not None and max(ends) == max(found.get((kz, start), (-1,))):
                continue
            kind = kinds[index]
            resolve = resolvers[index]
            where[0] = start
            check = checked[index]
            for end in sorted(set(ends), reverse=True) if len(ends) > 1 else ends:
                if check and not _boundary(kind, data, start, end):
                    continue
                text = data[start:end].decode("ascii", "replace")
                result = resolve(text, has)
                if result and result[0] in types:
                    chosen.append((start, end, result[0], result[1], text))
                    break
        return _settle(chosen)

    def _name(self, data: bytes, start: int, end: int):
        if not _boundary("name", data, start, end):
            return None
        hit = _name_in(data[start:end])
        if hit is None:
            return None
        b_start, b_end, confidence, value = hit
        return (start + b_start, start + b_end, "person_name", confidence, value)


@lru_cache(maxsize=16384)
def _name_in(candidate: bytes) -> tuple[int, int, float, str] | None:
    """The name in a run of capitalised words, as (byte start, byte end,
    confidence, text) within the run; cached, as the same people recur in
    logs and chats."""
    words = candidate.decode("utf-8", "replace").split(" ")
    span = person_name.find(words)
    if span is None:
        return None
    i, j = span
    # byte offsets of the chosen words
    offsets = [0]
    for w in words:
        offsets.append(offsets[-1] + len(w.encode("utf-8")) + 1)
    return offsets[i], offsets[j] - 1, 0.85 if j - i >= 3 else 0.7, " ".join(words[i:j])


def _settle(found: list[tuple[int, int, str, float, str]]) -> list[tuple[int, int, str, float, str]]:
    """Drop findings that overlap a higher-priority (or longer) one.

    Findings are cut into clusters of mutually reachable overlaps (a sweep by
    start); the greedy choice by priority runs inside each small cluster.
    """
    if len(found) < 2:
        return sorted(found)
    found.sort()
    kept: list[tuple[int, int, str, float, str]] = []
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
            kept.extend(_choose(cluster))
        cluster, reach = [f], f[1]
    kept.extend(_choose(cluster))
    return kept


def _choose(cluster: list) -> list:
    if len(cluster) == 1:
        return cluster
    cluster.sort(key=lambda f: (-PRIORITY[f[2]], f[0] - f[1], f[0]))
    chosen: list = []
    for f in cluster:
        if not any(f[0] < c[1] and c[0] < f[1] for c in chosen):
            chosen.append(f)
    chosen.sort()
    return chosen


_ENGINES: dict[tuple[str, ...], Engine] = {}


def engine_for(types: tuple[str, ...]) -> Engine:
    """The process's engine for these types (compiled once per process)."""
    key = tuple(sorted(types))
    if key not in _ENGINES:
        _ENGINES[key] = Engine(key)
    return _ENGINES[key]
