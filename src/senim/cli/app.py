"""The Typer application and the one place where errors become exit codes.

Each area of Senim adds its commands in a module of its own (COMMAND_MODULES);
those modules import heavy libraries only inside the command functions, so
that `senim --help` and `senim classify` start fast.
"""

from __future__ import annotations

import contextlib
import importlib
import sys

import typer

app = typer.Typer(
    name="senim",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
    help="Senim: Kazakhstan's AI law and the EU AI Act, in practice.",
)

COMMAND_MODULES = ("core", "fairness", "explain", "scan", "provenance", "registry", "ledger", "decisions", "incident",
                   "assess", "web", "regulator")
# The module that adds each top-level command: a run imports, and Typer
# builds, only the one it names (building all ~30 costs ~30 ms of every
# start); help and unknown names get them all. tests/core checks this table.
COMMANDS = {
    "classify": "core", "obligations": "core", "validate": "core", "law": "core",
    "fairness": "fairness", "explain": "explain", "scan": "scan", "redact": "scan",
    "label": "provenance", "verify": "provenance", "keys": "provenance",
    "register": "registry", "systems": "registry", "show": "registry", "db": "registry",
    "ledger": "ledger", "decisions": "decisions", "incident": "incident",
    "assess": "assess", "init": "assess", "pack": "assess", "report": "assess",
    "serve": "web", "worker": "web", "org": "web", "user": "web", "token": "web",
    "registry": "regulator",
}


def _version(value: bool) -> None:
    if value:
        from senim import __version__

        sys.stdout.write(f"senim {__version__}\n")
        raise typer.Exit()


# The settings of this run, in force from the group's callback (which
# `senim --help` never reaches) until run() ends.
_run = contextlib.ExitStack()


@app.callback()
def _group(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print Senim's version and exit."),
) -> None:
    """Keeps `senim` a group of commands when only one module is loaded."""
    from senim.settings import Settings

    # the environment, read once; notices said in the language of --lang, as errors are
    _run.enter_context(Settings.from_env(notice=_notice, lang=asked_language(sys.argv[1:])).active())


def fail(message: str, code: int = 2) -> None:
    """Print one line on stderr and leave with `code`."""
    sys.stderr.write(f"senim: {message}\n")
    raise SystemExit(code)


def message(error: Exception, lang: str = "en") -> str:
    """The one line the CLI prints for a library error, its problem in `lang`
    where the catalog has it: a parameter is named as the option that gives it
    (``sensitive``, or `max_groups` in a sentence, as ``--sensitive``, ``--max-groups``)."""
    import re

    from senim.cli.options import flag
    from senim.errors import InputError, ParameterError

    if isinstance(error, ParameterError) and error.field:
        place = error.place_in(lang)
        line = ": ".join(([place] if place else []) + [flag(error.field), error.problem_in(lang)])
    elif isinstance(error, InputError):
        line = error.sentence_in(lang)
    else:
        line = str(error)
    return re.sub(r"`([a-z][a-z0-9_]*)`", lambda m: flag(m.group(1)), line)


def asked_language(words: list[str]) -> str:
    """The language `--lang` asks for on this command line, in which errors
    are said too: the last `--lang` before any `--`, as the option parser
    takes it (the first of a list such as kk,ru); English without one."""
    from senim.i18n import LANGUAGES

    asked = "en"
    for i, word in enumerate(words):
        if word == "--":
            break
        value = word[7:] if word.startswith("--lang=") else (words[i + 1] if word == "--lang" and i + 1 < len(words) else None)
        if value is not None:
            first = value.split(",")[0].strip()
            asked = first if first in LANGUAGES else "en"
    return asked


def _notice(line: str) -> None:
    sys.stderr.write(f"senim: {line}\n")


def run() -> None:
    from senim.errors import SenimError

    wanted = COMMANDS.get(sys.argv[1]) if len(sys.argv) > 1 else None
    for name in (wanted,) if wanted else COMMAND_MODULES:
        importlib.import_module(f"senim.cli.{name}")
    from senim.cli.options import guard_terminal

    guard_terminal()  # control characters from manifests never reach a terminal raw (R35)
    try:
        with _run:
            app()
    except SenimError as error:
        fail(message(error, asked_language(sys.argv[1:])), error.exit_code)
    except OSError as error:  # a folder where a file should be, a read-only place, a full disk
        where = error.filename or "output"
        fail(f"{where}: {error.strerror or error}", 2)
    except KeyboardInterrupt:
        fail("interrupted", 130)
