"""`senim NAME` loads only the module COMMANDS names for NAME: the table must
say exactly which module registers each top-level command and group."""

import importlib
import subprocess
import sys

from senim.cli.app import COMMAND_MODULES, COMMANDS, app


def test_every_command_is_in_the_table_with_the_module_that_adds_it():
    for name in COMMAND_MODULES:
        importlib.import_module(f"senim.cli.{name}")
    registered = {}
    for command in app.registered_commands:
        registered[command.name or command.callback.__name__] = command.callback.__module__
    for group in app.registered_groups:
        modules = {c.callback.__module__ for c in group.typer_instance.registered_commands}
        assert len(modules) == 1, group.name
        registered[group.name] = modules.pop()
    assert {name: f"senim.cli.{module}" for name, module in COMMANDS.items()} == registered


def test_a_command_runs_with_only_its_module_loaded():
    code = (
        "import sys; sys.argv = ['senim', 'law', 'show', '--help']\n"
        "from senim.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('senim.cli.') and m not in ('senim.cli.app', 'senim.cli.options')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "['senim.cli.core']"


def test_help_loads_no_library_that_only_a_command_needs():
    # `senim --help` builds every command (the listing needs their help) but imports
    # none of the libraries their bodies use: they are imported inside the functions.
    heavy = ("sqlalchemy", "alembic", "psycopg", "polars", "numpy", "pandas", "pyarrow", "fastapi",
             "starlette", "jinja2", "yaml", "jsonschema", "cryptography", "hyperscan", "c2pa", "PIL",
             "weasyprint", "babel", "sklearn", "senim.law", "senim.registry", "senim.web", "senim.api")
    code = (
        "import sys; sys.argv = ['senim', '--help']\n"
        "from senim.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        f"print(sorted(m for m in sys.modules if m.startswith({heavy!r})))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"
