"""Options and printing shared by every command, so each reads the same way."""

from __future__ import annotations

import json
import sys
from datetime import date
from enum import Enum
from typing import Any, Optional

import typer

from senim.errors import InputError


class Lang(str, Enum):
    kk = "kk"
    ru = "ru"
    en = "en"


class Format(str, Enum):
    text = "text"
    json = "json"


LANG = typer.Option(Lang.en, "--lang", help="Language of every sentence: kk, ru or en.")
AS_OF = typer.Option(None, "--as-of", metavar="DATE", help="Apply the law as in force on DATE (YYYY-MM-DD; default today).")


# A library parameter whose option is not spelt `--` + its name with dashes.
FLAGS = {"systems": "--system", "actions": "--action", "chain": "--cert", "evidence_roots": "--evidence-root"}


def flag(parameter: str) -> str:
    """The option that gives a library function's `parameter`."""
    return FLAGS.get(parameter) or "--" + parameter.replace("_", "-")


def parse_date(value: Optional[str], option: str) -> Optional[date]:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{option}: {value!r} is not a date written YYYY-MM-DD") from None


def print_json(value: Any) -> None:
    """JSON alone on stdout, UTF-8 as written (Kazakh and Russian stay readable)."""
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2, default=str) + "\n")


def print_rich(markup: Any) -> None:
    """Rich markup or renderables; colours only on a terminal."""
    from rich.console import Console

    Console(highlight=False, soft_wrap=True).print(markup)
