"""`senim.fairness`, `senim.explain`, `senim.scan`, `senim.redact`: the technical checks.

Each check returns its result with its evidence record (`.evidence`, the
shape of `senim.evidence.make_evidence`: what it ran on with content
hashes, the parameters, the versions of the libraries, the verdict) and
its verdict, so that a door only prints them.
"""

from __future__ import annotations

import os
from typing import Any, Iterator, Sequence

from senim.api import inputs
from senim.api.results import Explanation, Fairness
from senim.checks.fairness.source import table_kind
from senim.errors import ParameterError

__all__ = ["fairness", "explain", "scan", "redact", "PERSONAL_DATA_TYPES"]


def fairness(data: Any, *, target: str, prediction: str, sensitive: str | Sequence[str],
             score: str | None = None, bootstrap: int = 1000, seed: int = 0, min_group: int = 30,
             max_difference: float | None = None, max_groups: int = 1000, cluster: str | None = None,
             workers: int | None = None, lang: str = "en", min_ratio: float | None = None,
             show_values: bool = False) -> Fairness:
    """Group fairness of a decision log: per-group metrics, disparities, 95% intervals.

    Metric and disparity names and definitions are Fairlearn's
    (``selection_rate``, ``demographic_parity_difference``, ...).

    Parameters
    ----------
    data : str, os.PathLike, polars.DataFrame, polars.LazyFrame, pandas.DataFrame, or pyarrow.Table
        The decisions: a CSV, Parquet or JSON Lines file, a folder of
        Parquet files, or a table in memory.
    target : str
        Column of the true outcome (0/1 or true/false).
    prediction : str
        Column of the system's decision (0/1 or true/false).
    sensitive : str or sequence of str
        The sensitive column, or several (their combinations are the groups).
    score : str, optional
        Column of the model's score, for ROC AUC.
    bootstrap : int
        Bootstrap replicates for the intervals (0: none).
    seed : int
        Seed of the bootstrap.
    min_group : int
        Groups with fewer rows are warned about.
    max_difference : float, optional
        A gate: the verdict is ``fail`` when the demographic parity or
        equalized odds difference exceeds it.
    max_groups : int
        Refuse sensitive columns that make more groups than this.
    cluster : str, optional
        Address of a Dask scheduler to count on (`data` must be files).
    workers : int, optional
        Count on a local Dask cluster of this many worker processes.
    lang : {"en", "kk", "ru"}
        Language of the warnings and check titles.
    show_values : bool
        Show group values as they are. By default a sensitive column whose
        values are personal data (an IIN, a name) is shown masked, and
        named in ``masked_values``.

    Returns
    -------
    Fairness
        ``.groups``, ``.overall``, ``.disparities``, ``.intervals``,
        ``.checks``, ``.verdict`` and ``.evidence``; ``.to_dict()`` is the
        JSON of ``senim fairness --format json``.

    Raises
    ------
    senim.InputError
        Data that cannot be read, a missing column, a column that is not
        binary, too many groups.
    """
    from senim.checks import runs

    columns = inputs.names(sensitive, "sensitive")
    target, prediction = inputs.text(target, "target"), inputs.text(prediction, "prediction")
    score = inputs.text(score, "score", optional=True)
    bootstrap = inputs.count(bootstrap, "bootstrap")
    seed = inputs.count(seed, "seed")
    min_group = inputs.count(min_group, "min_group")
    max_groups = inputs.count(max_groups, "max_groups", least=1)
    workers = inputs.count(workers, "workers", least=1, optional=True)
    max_difference = inputs.number(max_difference, "max_difference")
    min_ratio = inputs.number(min_ratio, "min_ratio")
    lang = inputs.language(lang)
    if table_kind(data) is None:
        data = inputs.data_path(data)
    run = runs.fairness(data, target=target, prediction=prediction, sensitive=columns, score=score,
                        bootstrap=bootstrap, seed=seed, min_group=min_group, max_difference=max_difference,
                        min_ratio=min_ratio,
                        max_groups=max_groups, cluster=cluster, workers=workers, lang=lang,
                        show_values=inputs.flag(show_values, "show_values"))
    return Fairness.from_dict(run.result, evidence=run.evidence)


def explain(model: Any, data: Any, *, rows: Sequence[str] | None = None, id_column: str | None = None,
            target: str | None = None, trust_model: bool = False, lang: str = "en", seed: int = 0,
            repeats: int = 10) -> Explanation:
    """Explain a model: permutation importance, and SHAP contributions and a letter for single decisions.

    Parameters
    ----------
    model : str or os.PathLike
        A model file saved with skops (``.skops``); pickle and joblib files
        only with ``trust_model=True``, since loading them runs their code.
    data : str or os.PathLike
        The data the model decided on: CSV, Parquet or JSON Lines.
    rows : sequence of str, optional
        Decisions to explain: values of the id column (or row numbers
        without one). None or empty: global importance only.
    id_column : str, optional
        The column that identifies a decision (default: ``id`` or a column
        ending in ``_id``).
    target : str, optional
        Column of true outcomes, for importance against them.
    trust_model : bool
        Load pickle/joblib files and unreviewed types (runs code from the file).
    lang : {"en", "kk", "ru"}
        Language of the letters.
    seed, repeats : int
        Seed of the permutations and background sample; shuffles per feature.

    Returns
    -------
    Explanation
        ``.global_`` (importance), ``.decisions`` (contributions and the
        letter of each row), ``.evidence``; ``.to_dict()`` is the JSON of
        ``senim explain --format json``.
    """
    from senim.checks import runs

    if isinstance(rows, str):
        rows = [rows]
    wanted = [str(r) for r in (rows or [])]
    model_path, data_path = inputs.data_path(model, "model"), inputs.data_path(data, "data")
    repeats = inputs.count(repeats, "repeats", least=1)
    seed = inputs.count(seed, "seed")
    trust_model = inputs.flag(trust_model, "trust_model")
    lang = inputs.language(lang)
    run = runs.explain(model_path, data_path, rows=wanted, id_column=id_column, target=target,
                       trust_model=trust_model, lang=lang, seed=seed, repeats=repeats)
    return Explanation.from_dict(run.result, evidence=run.evidence)


# ----------------------------------------------------------------- personal data


def _types(types: Any) -> tuple[str, ...]:
    from senim.checks.personal_data.engine import TYPES

    if types is None or types == "all":
        return TYPES
    chosen = inputs.names(types, "types")
    unknown = [t for t in chosen if t not in TYPES]
    if unknown:
        raise ParameterError(f"unknown type {unknown[0]!r} (known: {', '.join(TYPES)})", field="types")
    return chosen


def __getattr__(name: str) -> Any:
    if name == "PERSONAL_DATA_TYPES":  # the kinds `scan` finds, from the detectors
        from senim.checks.personal_data.engine import TYPES

        return TYPES
    raise AttributeError(name)


def scan(source: Any, *, types: str | Sequence[str] | None = None, show_values: bool = False,
         workers: int = 1, include: Sequence[str] = (), exclude: Sequence[str] = (),
         recognizers: Any = None, min_confidence: float | None = None) -> Iterator[Any]:
    """Find personal data: Kazakh IINs and BINs, IBANs, cards, phones, e-mails, names...

    Parameters
    ----------
    source : str, bytes, binary file, os.PathLike, sequence of paths, or a table
        What to scan. A ``str`` is the text itself; files and folders
        (walked recursively) are given as `pathlib.Path` (or a list of
        them); a binary file object is read to its end; a Polars or pandas
        DataFrame or a PyArrow table is scanned cell by cell.
    types : str or sequence of str, optional
        The kinds to look for (``kz_iin``, ``email``, ...); default all
        (`senim.api.checks.PERSONAL_DATA_TYPES`).
    show_values : bool
        Give each finding's value in full; by default it is masked
        (``**********85``), as everywhere in Senim.
    workers : int
        Processes for files (0 or None: every core; more than one needs the
        ``if __name__ == "__main__":`` guard in a script).
    include, exclude : sequence of str
        Globs of the files to scan, or to skip, inside folders.
    recognizers : str, os.PathLike or mapping, optional
        An organisation's own recognizers, allow list and threshold (the YAML
        of ``senim scan --recognizers``, or the same as a mapping).
    min_confidence : float, optional
        Findings below this confidence (0 to 1) are left out.

    Yields
    ------
    Finding
        ``path`` ("-" for text, bytes and streams; "data" for a table),
        ``line`` (text) or ``row`` and ``column`` (tables), ``start`` and
        ``end`` (code points), ``type``, ``confidence`` and ``value``;
        ``.as_json()`` is a line of ``senim scan --format jsonl``.
    """
    from senim.checks.personal_data.api import scan as run

    chosen = _types(types)
    show_values = inputs.flag(show_values, "show_values")
    workers = inputs.count(workers, "workers", optional=True) or None
    for finding in run(source, types=chosen, recognizers=recognizers, min_confidence=min_confidence,
                       workers=workers, include=tuple(include), exclude=tuple(exclude)):
        yield finding if show_values else _masked(finding)


def _masked(finding: Any) -> Any:
    from dataclasses import replace

    return replace(finding, value=finding.masked)


def redact(source: Any, output: Any, *, mode: str = "mask", key: bytes | str | None = None,
           types: str | Sequence[str] | None = None) -> int:
    """Write a copy of a file with the personal data found replaced.

    Parameters
    ----------
    source : str or os.PathLike
        A text file, CSV, Parquet, or ``.gz`` text or CSV.
    output : str or os.PathLike
        Where to write the copy (never the source itself).
    mode : {"mask", "pseudonym"}
        ``mask`` writes ``**********85``; ``pseudonym`` a keyed HMAC
        pseudonym (``<kz_iin:1a2b3c4d5e6f>``), the same for the same value
        and key, so that records can still be joined.
    key : bytes or str, optional
        The pseudonym key (at least 16 bytes); default the settings'
        (SENIM_PSEUDONYM_KEY).
    types : str or sequence of str, optional
        The kinds to replace; default all.

    Returns
    -------
    int
        How many values were replaced.
    """
    from senim.checks.personal_data.redact import load_key, redact_file

    chosen = _types(types)
    if mode not in ("mask", "pseudonym"):
        raise ParameterError(f"{mode!r} is not mask or pseudonym", field="mode")
    secret = None
    if mode == "pseudonym":
        secret = key.encode() if isinstance(key, str) else (bytes(key) if key is not None else load_key(None))
        if len(secret) < 16:
            raise ParameterError("a pseudonym key of at least 16 bytes is needed", field="key")
    here, there = inputs.data_path(source, "source"), inputs.data_path(output, "output")
    if not here.is_file():
        raise ParameterError("is not a file (redact a folder file by file)", file=here, field="source")
    if os.path.realpath(here) == os.path.realpath(there):
        raise ParameterError("the output must not be the input (the original would be overwritten)",
                             file=there, field="output")
    return redact_file(str(here), str(there), chosen, mode, secret)
