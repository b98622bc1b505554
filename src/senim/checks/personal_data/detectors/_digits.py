"""Small pieces shared by the detectors."""

from __future__ import annotations


_SEPARATORS = str.maketrans("", "", " -./()")


def clean(value: str, drop: str | None = None) -> str:
    """`value` without the separators people type between digits."""
    table = _SEPARATORS if drop is None else str.maketrans("", "", drop)
    return value.translate(table).strip()
