"""Senim: Kazakhstan's Law on Artificial Intelligence and the EU AI Act, in practice.

>>> import senim
>>> result = senim.classify("examples/credit-scoring/senim.yaml", as_of="2026-09-01")
>>> result.regimes["kz"]["risk"]
'medium'

Every name below is imported on first use (PEP 562), so that ``import senim``
and ``senim --help`` stay as fast as a bare interpreter allows. See
docs/library.md.
"""

__version__ = "0.1.0"

# name -> the module that defines it
_EXPORTS = {
    "classify": "senim.api.law",
    "assess": "senim.api.law",
    "fairness": "senim.api.checks",
    "explain": "senim.api.checks",
    "scan": "senim.api.checks",
    "redact": "senim.api.checks",
    "label": "senim.api.provenance",
    "verify": "senim.api.provenance",
    "open_registry": "senim.api.registry",
    "Classification": "senim.api.results",
    "Assessment": "senim.api.results",
    "Fairness": "senim.api.results",
    "Explanation": "senim.api.results",
    "Verification": "senim.api.results",
    "Audit": "senim.api.results",
    "Labelling": "senim.api.results",
    "SenimError": "senim.errors",
    "InputError": "senim.errors",
    "ParameterError": "senim.errors",
    "PackError": "senim.errors",
    "Settings": "senim.settings",
}

__all__ = ["__version__", *_EXPORTS]


def _submodule(package: str, name: str) -> object:
    """`package.name` imported on first use, or AttributeError as for any missing attribute."""
    import importlib

    try:
        return importlib.import_module(f"{package}.{name}")
    except ModuleNotFoundError as error:
        if error.name != f"{package}.{name}":
            raise
        raise AttributeError(f"module {package!r} has no attribute {name!r}") from None


def __getattr__(name: str) -> object:
    import importlib

    module = _EXPORTS.get(name)
    if module is None:  # a subpackage not imported yet: `senim.law`, `senim.registry`
        return _submodule(__name__, name)
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # asked once
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
