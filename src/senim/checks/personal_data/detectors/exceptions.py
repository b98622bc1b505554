"""Why an identifier is not valid: one exception class per kind of failure."""


class ValidationError(ValueError):
    """The value is not a valid identifier of this kind."""


class InvalidFormat(ValidationError):
    """Wrong characters or structure."""


class InvalidLength(ValidationError):
    """Wrong number of characters."""


class InvalidChecksum(ValidationError):
    """The check digit(s) do not match."""


class InvalidComponent(ValidationError):
    """A part of the number (a date, a type code, a prefix) is impossible."""
