"""Small pieces shared by the detectors."""

from __future__ import annotations


_SEPARATORS = str.maketrans("", "", " -./()")


def clean(value: str, drop: str | None = None) -> str:
    """`value` without the separators people type between digits."""
    table = _SEPARATORS if drop is None else str.maketrans("", "", drop)
    return value.translate(table).strip()


def mask(value: str, keep_start: int = 4, keep_end: int = 2) -> str:
    """`880101300012` -> `8801******12`: enough to recognise, not to use."""
    if len(value) <= keep_start + keep_end:
        return "*" * len(value)
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[-keep_end:]
