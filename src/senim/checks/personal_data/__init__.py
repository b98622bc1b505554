"""Personal data in files and tables: Kazakh identifiers, cards, phones, names.

`scan(paths)` yields findings (local engine, every core); `scan_on_cluster`
does the same on a Dask cluster; `redact_file` writes a masked or
pseudonymised copy. Detectors live in `detectors/`, one module per kind.
"""

from senim.checks.personal_data.engine import TYPES

__all__ = ["TYPES", "scan", "scan_on_cluster", "redact_file"]


def __getattr__(name):
    if name == "scan":
        from senim.checks.personal_data.scanner import scan

        return scan
    if name == "scan_on_cluster":
        from senim.checks.personal_data.dask_engine import scan_on_cluster

        return scan_on_cluster
    if name == "redact_file":
        from senim.checks.personal_data.redact import redact_file

        return redact_file
    raise AttributeError(name)
