"""The law as data: rule packs and the engine that applies them on a date."""

from __future__ import annotations

from functools import lru_cache
from typing import Any


@lru_cache(maxsize=None)
def regimes() -> tuple[str, ...]:
    """The regimes Senim knows, one per rule pack, in pack order ("kz", then "eu", then any other by name).

    Code that goes over every law asks this rather than writing the names out, so that
    a third regime is a new pack folder, not a change to the code.
    """
    from senim.law.pack import pack_names

    return tuple(pack_names())


def classify(manifest: Any, as_of: Any = None, lang: str = "en") -> dict[str, Any]:
    """The classification of a manifest under every rule pack (see engine.classify)."""
    from senim.law.engine import classify as run

    return run(manifest, as_of=as_of, lang=lang)


def load_packs() -> Any:
    from senim.law.pack import load_packs as load

    return load()



def __getattr__(name: str) -> object:
    # `senim.law.engine` works without importing it first, as `senim.law` does
    from senim import _submodule

    return _submodule(__name__, name)
