"""Errors the user, or a program, can act on.

Every error Senim raises on purpose is a `SenimError`. Bad input is an
`InputError`: one sentence that names the file, the place and the problem,
which the CLI prints as it is (exit code 2, never a traceback), and the same
parts as attributes, which a program (the web app's forms) reads:

>>> from senim.errors import InputError
>>> error = InputError("940140000386 fails the BIN check digit",
...                    file="senim.yaml", line=4, field="owner.bin")
>>> str(error)
'senim.yaml:4: owner.bin: 940140000386 fails the BIN check digit'
>>> error.field, error.line
('owner.bin', 4)

A sentence written whole (``InputError("data.csv: the file is empty")``)
stays that sentence; its `problem` is then the whole of it.
"""

from __future__ import annotations

__all__ = ["SenimError", "InputError", "ParameterError", "PackError"]


class SenimError(Exception):
    """Base of every error Senim raises on purpose."""

    exit_code = 2


class InputError(SenimError):
    """Bad input: a manifest, a data file, a model, a parameter's value.

    Parameters
    ----------
    problem : str
        What is wrong, in one sentence (without the place).
    file : str, optional
        The file, or other named input (a database, a system id), it is in.
    line : int, optional
        The 1-based line of `file`.
    field : str, optional
        The dotted field (``owner.bin``), column or parameter concerned.
    """

    def __init__(self, problem: str = "", *, file: object = None, line: int | None = None,
                 field: str | None = None):
        self.problem = problem
        self.file = None if file is None else str(file)
        self.line = line
        self.field = field
        super().__init__(self._sentence())

    def _sentence(self) -> str:
        parts = []
        if self.file is not None:
            parts.append(f"{self.file}:{self.line}" if self.line else self.file)
        if self.field and not self.problem.startswith(self.field + " "):  # "owner.name is missing"
            parts.append(self.field)
        return ": ".join(parts + [self.problem])

    def __reduce__(self):  # the keywords survive pickling (Dask and process pools send errors back)
        return _rebuild, (type(self), self.problem, self.file, self.line, self.field, self.__dict__)

    def to_dict(self) -> dict:
        """``{"file", "line", "field", "problem"}``: the parts a form shows at its field."""
        return {"file": self.file, "line": self.line, "field": self.field, "problem": self.problem}


def _rebuild(kind, problem, file, line, field, state):
    error = kind.__new__(kind)
    InputError.__init__(error, problem, file=file, line=line, field=field)
    error.__dict__.update(state)
    return error


class ParameterError(InputError):
    """A value given to a parameter of a library function that it cannot take.

    `field` is the parameter's name, as the function spells it (``sensitive``,
    ``max_groups``); a door names it its own way (the CLI as ``--sensitive``).
    A parameter named inside the sentence of any error is written in
    backticks (```trust_model```), so that a door can name it its way too.
    """


class PackError(SenimError):
    """A rule pack that does not follow the pack format."""
