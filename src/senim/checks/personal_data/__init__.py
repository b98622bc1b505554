"""Personal data in text, files, folders and tables: Kazakh identifiers,
IBANs, cards, phones, e-mail and IP addresses, names.

- `scan(source, *, types=None, recognizers=None, min_confidence=None, ...)`
  yields `Finding` records from a `str`, `bytes`, a path, a folder, a binary
  file object or a DataFrame (the library's door, `senim.scan`);
- `scan_on_cluster(paths, ...)` does the same for files on a Dask cluster;
- `redact_file(source, target, ...)` writes a masked or pseudonymised copy.

Detectors live in `detectors/`, one module per kind, each registering itself.
"""

from senim.checks.personal_data.detectors import types as _types

TYPES = _types()

__all__ = ["TYPES", "Finding", "scan", "scan_text", "scan_on_cluster", "redact_file"]


def scan_text(text, **options):
    """`scan` of a `str` or `bytes`, as a list (for tests and quick looks)."""
    from senim.checks.personal_data.api import scan

    return list(scan(text, **options))


def __getattr__(name):
    if name == "scan":
        from senim.checks.personal_data.api import scan

        return scan
    if name == "Finding":
        from senim.checks.personal_data.findings import Finding

        return Finding
    if name == "scan_on_cluster":
        from senim.checks.personal_data.dask_engine import scan_on_cluster

        return scan_on_cluster
    if name == "redact_file":
        from senim.checks.personal_data.redact import redact_file

        return redact_file
    raise AttributeError(name)
