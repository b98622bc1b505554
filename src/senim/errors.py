"""Errors the user can act on.

An InputError carries one sentence that names the file, the place and the
problem; the CLI prints it as it is and exits with code 2, never a traceback.
"""


class SenimError(Exception):
    """Base of every error Senim raises on purpose."""

    exit_code = 2


class InputError(SenimError):
    """Bad input: a manifest, a data file, a model, an option value."""


class PackError(SenimError):
    """A rule pack that does not follow the pack format."""
