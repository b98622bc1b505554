"""Candidates by Hyperscan over bytes, validation of candidates only.

One compiled database holds a pattern per kind of candidate. Hyperscan reports
every (pattern, leftmost start, end) it sees, overlapping ones included; we
keep, for each start, the longest end that passes the kind's boundary rule and
its detector, then settle overlaps between kinds by priority. Everything here
works on bytes of one buffer: locating findings in lines is `locate`'s job.
"""

from __future__ import annotations

import re
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
    "email": (rb"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}", ("email",)),
    "ipv4": (rb"[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}", ("ip_address",)),
    "ipv6": (rb"[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{0,4}){2,7}", ("ip_address",)),
    "passport": (rb"[Nn] ?[0-9]{8}", ("kz_passport",)),
    "id9": (rb"[0-9]{9}", ("kz_id_card",)),
    "name": (_WORD + rb"(?: " + _WORD + rb")+", ("person_name",)),
}

_ALNUM = frozenset(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_DIGIT = frozenset(b"0123456789")
_HEX_COLON = frozenset(b"0123456789ABCDEFabcdef:")
_EMAIL_CHARS = frozenset(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz._%+-")
_IBAN_BEFORE = re.compile(rb"(?<![A-Za-z0-9])[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4})* ?\Z")
_CONTEXT_WINDOW = 64  # bytes before a candidate, on its line, searched for context words


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


@lru_cache(maxsize=1)
def _context_regex() -> re.Pattern[str]:
    import yaml

    text = (resources.files("senim.checks.personal_data") / "data" / "context_words.yaml").read_text("utf-8")
    words = yaml.safe_load(text)
    parts = []
    for kind, items in words.items():
        alternatives = "|".join(re.escape(w.lower()) for w in sorted(items, key=len, reverse=True))
        parts.append(f"(?<!\\w)(?P<{kind}>{alternatives})")
    return re.compile("|".join(parts))


def context_types(data: bytes, start: int) -> frozenset[str]:
    """The kinds whose context words stand shortly before `start` on its line."""
    line_start = data.rfind(b"\n", max(0, start - _CONTEXT_WINDOW), start) + 1
    window = data[max(line_start, start - _CONTEXT_WINDOW):start]
    if not window:
        return frozenset()
    text = window.decode("utf-8", "ignore").lower()
    return frozenset(m.lastgroup for m in _context_regex().finditer(text))


def _resolve(kind: str, text: str, ctx) -> tuple[str, float] | None:
    """The type and confidence of a delimited candidate, or None."""
    if kind == "digits12":
        if kz_iin.is_valid(text):
            return "kz_iin", 0.99 if "kz_iin" in ctx() else 0.85
        if kz_bin.is_valid(text):
            return "kz_bin", 0.99 if "kz_bin" in ctx() else 0.85
        return None
    if kind == "card":
        if payment_card.is_valid(text):
            return "payment_card", 0.99 if "payment_card" in ctx() else 0.9
        return None
    if kind == "iban":
        if iban.is_valid(text):
            return "iban", 0.99
        return None
    if kind == "phone_kz":
        if phone.is_valid(text):
            return "phone", 0.95 if "phone" in ctx() else 0.8
        return None
    if kind == "phone_intl":
        try:
            phone.validate_international(text)
        except ValueError:
            return None
        if phone.is_valid(text):
            return "phone", 0.95 if "phone" in ctx() else 0.8
        return ("phone", 0.75) if "phone" in ctx() else None
    if kind == "email":
        return ("email", 0.95) if email.is_valid(text) else None
    if kind in ("ipv4", "ipv6"):
        if ip_address.is_valid(text):
            return "ip_address", 0.9 if "ip_address" in ctx() else 0.6
        return None
    if kind == "passport":
        return ("kz_passport", 0.85) if kz_passport.is_valid(text) and "kz_passport" in ctx() else None
    if kind == "id9":
        return ("kz_id_card", 0.75) if kz_id_card.is_valid(text) and "kz_id_card" in ctx() else None
    raise AssertionError(kind)


class Engine:
    """A compiled Hyperscan database for the chosen types; one per process."""

    def __init__(self, types: tuple[str, ...] = TYPES):
        import hyperscan

        self.types = frozenset(types)
        self.kinds = [k for k, (_, yields) in CANDIDATES.items() if self.types.intersection(yields)]
        self.database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        if self.kinds:
            self.database.compile(
                expressions=[CANDIDATES[k][0] for k in self.kinds],
                ids=list(range(len(self.kinds))),
                elements=len(self.kinds),
                flags=[hyperscan.HS_FLAG_SOM_LEFTMOST] * len(self.kinds),
            )
            self.scratch = hyperscan.Scratch(self.database)

    def candidates(self, data: bytes) -> dict[tuple[int, int], list[int]]:
        """(kind index, start) -> every end Hyperscan reported."""
        found: dict[tuple[int, int], list[int]] = {}

        def on_match(index: int, start: int, end: int, flags: int, context: object) -> None:
            key = (index, start)
            ends = found.get(key)
            if ends is None:
                found[key] = [end]
            else:
                ends.append(end)

        if self.kinds and data:
            self.database.scan(data, match_event_handler=on_match, scratch=self.scratch)
        return found

    def scan(self, data: bytes, limit: int | None = None) -> list[tuple[int, int, str, float, str]]:
        """Findings (byte start, byte end, type, confidence, value) that start
        before `limit` (the rest of `data` is look-ahead), sorted by start."""
        limit = len(data) if limit is None else limit
        chosen: list[tuple[int, int, str, float, str]] = []
        for (index, start), ends in self.candidates(data).items():
            if start >= limit:
                continue
            kind = self.kinds[index]
            if kind == "name":
                hit = self._name(data, start, max(ends))
                if hit:
                    chosen.append(hit)
                continue
            cache: list[frozenset[str]] = []

            def ctx() -> frozenset[str]:
                if not cache:
                    cache.append(context_types(data, start))
                return cache[0]

            for end in sorted(set(ends), reverse=True):
                if not _boundary(kind, data, start, end):
                    continue
                text = data[start:end].decode("ascii", "replace")
                result = _resolve(kind, text, ctx)
                if result and result[0] in self.types:
                    chosen.append((start, end, result[0], result[1], text))
                    break
        return _settle(chosen)

    def _name(self, data: bytes, start: int, end: int):
        if not _boundary("name", data, start, end):
            return None
        text = data[start:end].decode("utf-8", "replace")
        words = text.split(" ")
        span = person_name.find(words)
        if span is None:
            return None
        i, j = span
        # byte offsets of the chosen words
        offsets = [0]
        for w in words:
            offsets.append(offsets[-1] + len(w.encode("utf-8")) + 1)
        b_start, b_end = start + offsets[i], start + offsets[j] - 1
        confidence = 0.85 if j - i >= 3 else 0.7
        return (b_start, b_end, "person_name", confidence, " ".join(words[i:j]))


def _settle(found: list[tuple[int, int, str, float, str]]) -> list[tuple[int, int, str, float, str]]:
    """Drop findings that overlap a higher-priority (or longer) one."""
    if len(found) < 2:
        return sorted(found)
    found.sort(key=lambda f: (-PRIORITY[f[2]], f[0] - f[1], f[0]))
    taken: list[tuple[int, int]] = []
    kept = []
    for f in found:
        if any(f[0] < e and s < f[1] for s, e in taken):
            continue
        taken.append((f[0], f[1]))
        kept.append(f)
    kept.sort()
    return kept


_ENGINES: dict[tuple[str, ...], Engine] = {}


def engine_for(types: tuple[str, ...]) -> Engine:
    """The process's engine for these types (compiled once per process)."""
    key = tuple(sorted(types))
    if key not in _ENGINES:
        _ENGINES[key] = Engine(key)
    return _ENGINES[key]
