"""What the public functions accept, turned into what the library works on.

Each reader names the parameter it reads, so that a wrong value is a
`ParameterError` naming it (``manifest: expected ...``), never an
AttributeError from deep inside.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

from senim.errors import InputError, ParameterError

MAPPING_NAME = "<manifest>"  # how messages name a manifest given as a mapping or as text


def language(lang: Any) -> str:
    from senim.i18n import LANGUAGES

    if lang not in LANGUAGES:
        raise ParameterError(f"{lang!r} is not one of {', '.join(LANGUAGES)}", field="lang")
    return lang


def day(value: Any, parameter: str = "as_of") -> date | None:
    """A date from a `date`, a `datetime` (its day) or ISO text; None stays None."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ParameterError(f"{value!r} is not a date (a datetime.date, or text written YYYY-MM-DD)", field=parameter)


def flag(value: Any, parameter: str) -> bool:
    if not isinstance(value, bool):
        raise ParameterError(f"expected True or False, got {type(value).__name__}", field=parameter)
    return value


def count(value: Any, parameter: str, *, least: int = 0, optional: bool = False) -> int | None:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ParameterError(f"expected a whole number, got {type(value).__name__} {value!r}", field=parameter)
    if value < least:
        raise ParameterError(f"{value} is below {least}", field=parameter)
    return value


def number(value: Any, parameter: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ParameterError(f"expected a number, got {type(value).__name__} {value!r}", field=parameter)
    return value


def text(value: Any, parameter: str, *, optional: bool = False) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value:
        raise ParameterError(f"expected a name (text), got {type(value).__name__} {value!r}", field=parameter)
    return value


def names(value: Any, parameter: str) -> tuple[str, ...]:
    """One name, or a sequence of them."""
    if isinstance(value, str):
        return (value,) if value else ()
    try:
        items = tuple(value)
    except TypeError:
        raise ParameterError(f"expected a column name or a list of them, got {type(value).__name__}",
                             field=parameter) from None
    for item in items:
        if not isinstance(item, str) or not item:
            raise ParameterError(f"expected column names, got {item!r}", field=parameter)
    return items


def is_path(value: Any) -> bool:
    return isinstance(value, os.PathLike)


# ----------------------------------------------------------------- manifests


def manifest(value: Any, parameter: str = "manifest"):
    """A loaded `senim.manifest.Manifest` from a path, a mapping, YAML/JSON text or bytes.

    Text is told from a path by its shape: text that holds a line break or
    starts with ``{`` is a document; other text is a path.
    """
    from senim.manifest import Manifest, load_manifest, parse_manifest

    if isinstance(value, Manifest):
        return value
    if isinstance(value, os.PathLike):
        return load_manifest(value)
    if isinstance(value, str):
        if "\n" in value or value.lstrip().startswith("{"):
            return parse_manifest(value.encode("utf-8"), MAPPING_NAME)
        return load_manifest(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return parse_manifest(bytes(value), MAPPING_NAME)
    if isinstance(value, Mapping):
        return _from_mapping(value, parameter)
    raise ParameterError(f"expected a path, a mapping, or YAML or JSON text; got {type(value).__name__}",
                         field=parameter)


def _from_mapping(document: Mapping, parameter: str):
    """A mapping is read as the YAML it would be written as, so that it gives
    what the same facts in a file give (dates, numbers such as 3e25 and the
    defaults alike); its problems carry no line, since it has none."""
    import yaml

    from senim.manifest import Manifest, ManifestProblems, parse_manifest

    try:
        blob = yaml.safe_dump(_plain(document, ""), allow_unicode=True, sort_keys=False).encode("utf-8")
    except yaml.YAMLError as error:
        raise ParameterError(f"holds a value a manifest cannot hold ({str(error).splitlines()[0]})",
                             field=parameter) from None
    try:
        loaded = parse_manifest(blob, MAPPING_NAME)
    except ManifestProblems as error:
        raise ManifestProblems([_lineless(e) for e in error.errors]) from None
    except InputError as error:
        raise _lineless(error) from None
    return Manifest(path=MAPPING_NAME, raw=loaded.raw)


def _lineless(error: InputError) -> InputError:
    return error.placed(file=error.file, field=error.field)


def _plain(value: Any, place: str) -> Any:
    """Mappings as dicts, tuples as lists; what YAML cannot write is named by
    its dotted place (``owner.bin``; "" is the whole document)."""
    if isinstance(value, Mapping):
        out = {}
        for key, item in value.items():
            if key is True:  # PyYAML's yaml.safe_load reads the key `on:` (an answer's date) as True
                key = "on"
            if not isinstance(key, str):
                raise InputError(f"has a key {key!r} that is not text", file=MAPPING_NAME, field=place or None)
            out[key] = _plain(item, f"{place}.{key}" if place else key)
        return out
    if isinstance(value, (list, tuple)):
        return [_plain(item, f"{place}[{i}]") for i, item in enumerate(value)]
    if value is None or isinstance(value, (str, bool, int, float, date)):
        return value
    raise InputError(f"a {type(value).__name__} is not a value a manifest can hold", file=MAPPING_NAME,
                     field=place or None)


# ----------------------------------------------------------------- tables


def data_path(value: Any, parameter: str = "data") -> Path:
    if isinstance(value, (str, os.PathLike)):
        return Path(value)
    raise ParameterError("expected a path, a folder of Parquet files, or a Polars or pandas DataFrame or "
                         f"a PyArrow table; got {type(value).__name__}", field=parameter)
