"""The detectors: one module per kind of personal data, each registering itself.

A module here is, first, a validator in the style of python-stdnum
(`compact`, `validate` raising a `ValidationError`, `is_valid`, `format`, and
`calc_check_digit` where the kind has one) and, second, a `DETECTOR`: what
the engine needs to find the kind in bytes (its candidate patterns, their
boundaries, its context words, its confidence rules, its mask and its
compact form). The engine builds its tables from `registry()`; adding a kind
means adding a module here (see docs/conventions.md, "How to add a detector").

Candidate patterns are Hyperscan expressions over UTF-8 bytes with ASCII-only
classes (explicit UTF-8 bytes for non-ASCII letters), never Unicode `\\d` or
`\\b`: Hyperscan is fastest so.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, NamedTuple, Optional

# has(type) -> whether a context word of that type stands shortly before the candidate
Has = Callable[[str], bool]


class Hit(NamedTuple):
    """What a resolver makes of a candidate: its type and confidence; a
    narrower span (bytes within the candidate) when only part of it is the
    finding; `valid` False for a likely identifier whose check fails (a
    mistyped IIN right after "ИИН"), reported so that a reviewer sees it."""

    type: str
    confidence: float
    start: Optional[int] = None
    end: Optional[int] = None
    valid: bool = True


# (candidate text, has) -> Hit or None
Resolve = Callable[[str, Has], Optional[Hit]]

ALNUM = frozenset(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
# Bytes a delimited pattern may begin its body with (the byte before is its delimiter).
BODY_START = frozenset(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+")


@dataclass(frozen=True)
class Candidate:
    """One Hyperscan pattern and what to make of its matches.

    - `delimited`: the engine wraps the pattern in one delimiter byte (or a
      line edge) on each side, `before` giving the class of the byte before
      (so that Hyperscan does not report every 9-digit window of a longer
      number); `body_start` are the bytes the body can begin with.
    - `start`: for patterns matched without start-of-match tracking (costly in
      Hyperscan), a function (data, end) -> start that finds it again; such
      patterns end with one delimiter byte (`trailing`).
    - `boundary`: (data, start, end) -> bool, a check beyond the pattern's
      own delimiters, or None when they suffice.
    - `decode`: how the candidate's bytes become the text given to `resolve`.
    - `longest_only`: try only the longest end of a start (the resolver looks
      inside it, as for names).
    - `resolve_many`: the resolver over arrays, for candidates met by the
      thousand (twelve-digit numbers, Kazakh phones): (buffer as a NumPy
      uint8 array, starts, ends, near) -> (taken, confidence, valid) arrays,
      where near(type) is a boolean array (a context word just before);
      with it, Python touches only the findings. The engine uses it when
      every detector sharing the candidate has one.
    """

    name: str
    pattern: bytes
    resolve: Resolve
    delimited: bool = False
    before: bytes = rb"[^0-9A-Za-z+]"
    body_start: frozenset = BODY_START
    start: Optional[Callable[[bytes, int], int]] = None
    trailing: bool = False
    boundary: Optional[Callable[[bytes, int, int], bool]] = None
    decode: str = "ascii"
    longest_only: bool = False
    resolve_many: Optional[Callable] = None


@dataclass(frozen=True)
class Detector:
    """A kind of personal data as the engine sees it.

    `priority` settles overlaps (an IIN inside an e-mail address is the
    address); `order` is where the kind stands in lists of types; `context`
    are words in Kazakh, Russian and English, matched caselessly as prefixes,
    that raise the confidence of (or are needed for) a candidate shortly
    after them on its line; `anchored` finds the kind right after one of its
    context words (data, end of the word) -> (start, end, confidence) or None;
    `mask` shows a value without giving it away; `compact` is its canonical
    form (one person, one pseudonym, however written).
    """

    type: str
    priority: int
    order: int
    candidates: tuple[Candidate, ...]
    mask: Callable[[str], str]
    compact: Callable[[str], str] = str.strip
    context: tuple[str, ...] = ()
    anchored: Optional[Callable[[bytes, int], Optional[tuple]]] = None
    identifies_person: bool = False  # one value, one person (an IIN)
    contact: bool = False  # joins a name on its line into one person (a phone, an address)
    description: str = ""


def boundary_alnum(data: bytes, start: int, end: int) -> bool:
    """No letter or digit touches the candidate on either side."""
    return (start == 0 or data[start - 1] not in ALNUM) and (end >= len(data) or data[end] not in ALNUM)


def keep_ends(value: str, start: int, end: int, fill: str = "*") -> str:
    """`value` with all but its first `start` and last `end` characters hidden."""
    if len(value) <= start + end:
        return fill * len(value)
    return value[:start] + fill * (len(value) - start - end) + (value[-end:] if end else "")


_STARS = str.maketrans("0123456789", "**********")


def keep_last_digits(value: str, keep: int = 2) -> str:
    """Every digit hidden but the last `keep`; separators stay where they are."""
    if value.isascii() and value.isdigit():
        return "*" * (len(value) - keep) + value[-keep:] if len(value) > keep else "*" * len(value)
    end = value[-keep:] if keep else ""
    if len(value) > keep and end.isdigit() and end.isascii():  # the common case: the last `keep` are digits
        return value[:-keep].translate(_STARS) + end
    seen = 0
    for i in range(len(value) - 1, -1, -1):
        if value[i].isdigit():
            seen += 1
            if seen == keep:
                return value[:i].translate(_STARS) + value[i:]
    return value.translate(_STARS)


@lru_cache(maxsize=1)
def registry() -> dict[str, Detector]:
    """Every detector in this package, by type, in their `order`."""
    found: list[Detector] = []
    for module in pkgutil.iter_modules(__path__):
        if module.name.startswith("_") or module.name == "exceptions":
            continue
        detector = getattr(importlib.import_module(f"{__name__}.{module.name}"), "DETECTOR", None)
        if detector is not None:
            found.append(detector)
    found.sort(key=lambda d: (d.order, d.type))
    return {d.type: d for d in found}


def types() -> tuple[str, ...]:
    """The types the shipped detectors find, in their order."""
    return tuple(registry())
