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

An error made from the `errors` catalog (``InputError.said(key, ...)``)
reads in English as `str()` and can be put in Kazakh or Russian too
(`problem_in`, `sentence_in`): the CLI speaks the language of `--lang`, the
web app that of the page.
"""

from __future__ import annotations

__all__ = ["SenimError", "InputError", "ParameterError", "PackError", "Word", "Codes", "Written"]


class Word:
    """A value of a catalog sentence that is itself a word of the `errors`
    catalog (a kind of value: "text", "a list"; what a file is for: "manifest"),
    put in the reader's language. A tuple of words reads as a choice ("text or
    a list"). An `InputError` as a value gives its sentence, in the same language.

    A word may have values of its own (``Word("errors.place.incident_number",
    number=3)``: "incident 3", «инцидент № 3»). Given as an error's `file`, it
    is the place that is not a file (a record, an incident), said in the
    reader's language too."""

    __slots__ = ("key", "values")

    def __init__(self, key: str, **values: object):
        self.key = key
        self.values = values

    def __reduce__(self):
        return _word, (self.key, self.values)

    def __str__(self) -> str:  # in English, as a sentence written whole says it
        return _in_language(self.key, "en", self.values)

    def in_language(self, lang: str) -> str:
        return _in_language(self.key, lang, self.values)

    def __repr__(self) -> str:
        given = "".join(f", {name}={value!r}" for name, value in self.values.items())
        return f"Word({self.key!r}{given})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Word) and other.key == self.key and other.values == self.values

    def __hash__(self) -> int:
        return hash((Word, self.key))  # values may be unhashable; equal words still hash alike


def _word(key: str, values: dict) -> Word:
    return Word(key, **values)


class Codes(tuple):
    """Codes the reader must write as they are (a field's allowed values):
    listed plainly in English, each in «» in Kazakh and Russian, where they
    stand among words of another script."""

    def __reduce__(self):
        return Codes, (tuple(self),)


class Written(str):
    """A value the reader wrote (a system id, a status), shown in a sentence:
    in English as Python writes it ('credit-x'), as the English sentences
    have always shown it; in «» in Kazakh and Russian."""

    def __reduce__(self):
        return Written, (str(self),)


def _in_language(key: str, lang: str, values: dict) -> str:
    from senim.i18n import text

    def word(value: object) -> object:
        if isinstance(value, Written):
            return repr(str(value)) if lang == "en" else f"«{value}»"
        if isinstance(value, Codes):
            return ", ".join(value if lang == "en" else (f"«{code}»" for code in value))
        if isinstance(value, Word):
            return value.in_language(lang)
        if isinstance(value, InputError):  # an error found below, its place and problem, in the same language
            return value.sentence_in(lang)
        if isinstance(value, tuple) and value and all(isinstance(v, Word) for v in value):
            return text("errors.or", lang).join(v.in_language(lang) for v in value)
        return value

    return text(key, lang, **{name: word(value) for name, value in values.items()})


class SenimError(Exception):
    """Base of every error Senim raises on purpose."""

    exit_code = 2


class InputError(SenimError):
    """Bad input: a manifest, a data file, a model, a parameter's value.

    Parameters
    ----------
    problem : str
        What is wrong, in one sentence (without the place).
    file : str or Word, optional
        The file, or other named input (a database, a system id), it is in;
        a catalog `Word` for a place that is not a file ("incident 3"), which
        `sentence_in` says in the reader's language (`file` is its English).
    line : int, optional
        The 1-based line of `file`.
    field : str, optional
        The dotted field (``owner.bin``), column or parameter concerned.
    key, values : optional
        The sentence of the `errors` catalog that `problem` is, and its
        fields: what lets the problem be said in another language.
    """

    def __init__(self, problem: str = "", *, file: object = None, line: int | None = None,
                 field: str | None = None, key: str | None = None, values: dict | None = None):
        self.key = key
        self.values = values or {}
        self.problem = problem if problem or key is None else _in_language(key, "en", self.values)
        self.file = None if file is None else str(file)
        self.place = file if isinstance(file, Word) else None  # the place in words, when it is not a file
        self.line = line
        self.field = field
        super().__init__(self._sentence(self.problem))

    @classmethod
    def said(cls, key: str, *, file: object = None, line: int | None = None, field: str | None = None,
             **values: object) -> "InputError":
        """The error whose problem is the `errors` catalog's sentence `key`,
        with `values` (and `field`) in its fields."""
        if field is not None:
            values.setdefault("field", field)
        return cls(file=file, line=line, field=field, key=key, values=values)

    def placed(self, kind: type["InputError"] | None = None, *, file: object = None, line: int | None = None,
               field: str | None = None) -> "InputError":
        """The same problem, its catalog sentence kept, at another place (a
        door naming the input its own way), as an error of `kind` (default InputError)."""
        return (kind or InputError)(self.problem, file=file, line=line, field=field, key=self.key, values=self.values)

    def place_in(self, lang: str) -> str | None:
        """The place before the problem ("FILE:LINE", "incident 3"), a place in
        words said in `lang`; None when there is none."""
        if self.file is None:
            return None
        where = self.file if self.place is None or lang == "en" else self.place.in_language(lang)
        return f"{where}:{self.line}" if self.line else where

    def problem_in(self, lang: str) -> str:
        """The problem in `lang` (kk, ru or en); in English when it has no catalog sentence."""
        return self.problem if self.key is None or lang == "en" else _in_language(self.key, lang, self.values)

    def sentence_in(self, lang: str) -> str:
        """The whole sentence, place and problem, with the problem in `lang`."""
        return self._sentence(self.problem_in(lang), lang)

    def problems_in(self, lang: str) -> list[str]:
        """Every problem's sentence in `lang`: this one's (a manifest's lists them all)."""
        return [self.sentence_in(lang)]

    def _sentence(self, problem: str, lang: str = "en") -> str:
        parts = []
        if self.file is not None:
            parts.append(self.place_in(lang))
        if self.field and not self._names_field(problem, lang):
            parts.append(self.field)
        return ": ".join(parts + [problem])

    def _names_field(self, problem: str, lang: str) -> bool:
        """Whether the problem names its field itself ("owner.name is missing",
        "міндетті «owner.name» өрісі ..."): a catalog sentence that has {field}, or a
        sentence written whole that starts with it."""
        if self.key is None:
            return problem.startswith(self.field + " ")
        from senim.i18n import catalog

        entry = catalog(self.key.split(".", 1)[0])[self.key]
        template = entry.get(lang) or entry["en"]
        return "{field}" in (" ".join(template.values()) if isinstance(template, dict) else template)

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
