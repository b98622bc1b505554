"""Options and printing shared by every command, so each reads the same way."""

from __future__ import annotations

import json
import re
import sys
from datetime import date
from pathlib import Path
from enum import Enum
from typing import Any, Callable, Optional

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
DB_HELP = "Registry database: a SQLite file or a postgresql:// URL (default ./senim.db; env SENIM_DB)."
DB = typer.Option(None, "--db", envvar="SENIM_DB", help=DB_HELP, show_envvar=True)
OUTPUT = typer.Option(None, "--output", "-o")
AS_OF = typer.Option(None, "--as-of", metavar="DATE", help="Apply the law as in force on DATE (YYYY-MM-DD; default today).")


# A library parameter whose option is not spelt `--` + its name with dashes
# (or that an argument gives: `senim ledger proof ENTRY`).
FLAGS = {"systems": "--system", "actions": "--action", "chain": "--cert", "evidence_roots": "--evidence-root",
         "entry": "ENTRY", "old": "OLD", "new": "NEW", "directory": "DIR"}


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


def print_result(value: Any, fmt: Enum, words: Callable[[], str]) -> None:
    """`value` as JSON with --format json, else the text `words()` gives
    (made only then: JSON never pays for the wording)."""
    if fmt.value == "json":
        print_json(value)
    else:
        sys.stdout.write(words())


def print_check(checked: Any, fmt: Enum, words: Callable[[], tuple[str, list[str]]]) -> None:
    """A check's answer (`.ok`, `.to_dict()`): JSON with --format json, else
    the line `words()` gives on stdout and its notes on stderr; exit 1 when
    the check failed."""
    if fmt.value == "json":
        print_json(checked.to_dict())
    else:
        line, notes = words()
        sys.stdout.write(line)
        sys.stderr.write("".join(note + "\n" for note in notes))
    if not checked.ok:
        raise typer.Exit(1)


def emit(text: str, output: Optional[Path], lang: str = "en") -> None:
    """`text` on stdout, or written whole to `output` (said on stderr)."""
    if output is None:
        sys.stdout.write(text)
    else:
        from senim.i18n import text as words
        from senim.paths import write_atomic

        write_atomic(output, text.encode("utf-8"))
        sys.stderr.write(words("registry.wrote", lang, path=output) + "\n")


# ---------------------------------------------------------------- registry

def registry(db: Optional[str], *, existing: bool = False):
    """The registry `--db` names; with existing=True (commands that only read)
    it is opened read-only: a SQLite file must already be there (a mistyped
    --db is not a new, empty, "intact" registry), and nothing is migrated or
    written, so a read-only copy can be listed and verified."""
    from senim.registry.db import Database

    return Database(db, readonly=existing)


def reading(command):
    """A reading command: a stored row it cannot read (a SQLite file changed
    outside Senim) is one sentence naming the table and the row, exit 2."""
    import functools

    @functools.wraps(command)
    def run(*args, **kwargs):
        from senim.registry.audit import UNREADABLE

        try:
            return command(*args, **kwargs)
        except UNREADABLE as error:
            from senim.registry.audit import unreadable_problem

            raise unreadable_problem(kwargs.get("db"), error) from None

    return run


def print_rich(markup: Any) -> None:
    """Rich markup or renderables; colours only on a terminal. What the
    markup holds is cleaned of control characters first (`terminal_text`):
    rich writes past the terminal guard, since its colours are its own."""
    from rich.console import Console

    Console(highlight=False, soft_wrap=True).print(_clean_renderable(markup))


# ---------------------------------------------------------------- terminal

# C0 controls but newline and tab, DEL, C1 controls, and the bidirectional
# overrides and isolates that reorder what a terminal shows (Trojan Source).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def terminal_text(text: str) -> str:
    r"""`text` with every control character written as an escape, so that a
    manifest's name cannot retitle, clear or recolour the terminal that shows it.

    >>> terminal_text("a\x1b]0;PWNED\x07b\tc\nd")
    'a\\x1b]0;PWNED\\x07b\tc\nd'
    """
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                        else f"\\u{ord(m.group()):04x}", text)


class TerminalGuard:
    """A text stream that escapes control characters on their way to a
    terminal: every `sys.stdout.write` and `sys.stderr.write` of every
    command passes here (the CLI installs it on streams that are terminals).
    Bytes written to `.buffer` (a PDF asked for on stdout) pass as they are;
    rich's consoles write to the stream underneath (`rich_proxied_file`), and
    what they print is cleaned by `print_rich`."""

    def __init__(self, raw):
        self.raw = raw
        self.rich_proxied_file = raw

    def write(self, text: str) -> int:
        self.raw.write(terminal_text(text))
        return len(text)

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str):
        return getattr(self.raw, name)


def guard_terminal() -> None:
    """Install the guard on stdout and stderr where they are terminals."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        try:
            tty = stream.isatty() and not isinstance(stream, TerminalGuard)
        except (AttributeError, ValueError):
            tty = False
        if tty:
            setattr(sys, name, TerminalGuard(stream))


def _clean_renderable(markup: Any) -> Any:
    if isinstance(markup, str):
        return terminal_text(markup)
    columns = getattr(markup, "columns", None)  # a rich Table: its header and cells
    if isinstance(columns, list):
        for column in columns:
            if isinstance(getattr(column, "header", None), str):
                column.header = terminal_text(column.header)
            cells = getattr(column, "_cells", None)  # rich keeps a column's cells here
            if isinstance(cells, list):
                column._cells = [terminal_text(c) if isinstance(c, str) else c for c in cells]
    return markup
