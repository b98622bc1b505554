"""`senim.classify` and `senim.assess`: what the law says of a system, and what is missing."""

from __future__ import annotations

from datetime import date
from typing import Any

from senim.api import inputs
from senim.api.results import Assessment, Classification

__all__ = ["classify", "assess"]


def classify(manifest: Any, *, as_of: date | str | None = None, lang: str = "en") -> Classification:
    """Classify an AI system under every rule pack (the Kazakh AI law, the EU AI Act).

    Parameters
    ----------
    manifest : str, os.PathLike, Mapping, or bytes
        The system's facts (``ai-system.schema.json``): the path of a
        ``senim.yaml`` (or of the folder holding one), a mapping of its
        fields, or its YAML or JSON text. Text is told from a path by its
        shape: text that holds a line break or starts with ``{`` is a
        document.
    as_of : datetime.date or str, optional
        Apply the law as in force on this day (``YYYY-MM-DD``); default today.
    lang : {"en", "kk", "ru"}
        Language of the titles and reasons; citations and codes stay as they are.

    Returns
    -------
    Classification
        The verdict of each law with its obligations, upcoming obligations
        and the trace of the rules that fired; ``.to_dict()`` is the JSON of
        ``classification.schema.json``, as ``senim classify --format json``
        prints it.

    Raises
    ------
    senim.InputError
        A manifest that cannot be read or does not follow the format; its
        ``file``, ``line`` and ``field`` say where (``owner.bin``), and
        ``errors`` lists every problem found.
    senim.ParameterError
        A parameter of the wrong kind (``as_of="tomorrow"``).

    Examples
    --------
    >>> import senim
    >>> result = senim.classify("examples/credit-scoring/senim.yaml", as_of="2026-09-01")
    >>> result.regimes["kz"]["risk"], result.system
    ('medium', 'retail-credit-scoring')
    >>> result.to_dict() == senim.classify(result.to_dict() and "examples/credit-scoring", as_of="2026-09-01").to_dict()
    True
    """
    from senim.law.engine import classify as run

    on, lang = inputs.day(as_of), inputs.language(lang)
    loaded = inputs.manifest(manifest)
    return Classification.from_dict(run(loaded, on, lang))


def assess(manifest: Any, *, as_of: date | str | None = None, run_checks: bool = False,
           lang: str = "en", evidence_roots: Any = ()) -> Assessment:
    """Assess a system: every obligation joined with its evidence, the gaps, the verdict.

    Parameters
    ----------
    manifest : str, os.PathLike, Mapping, or bytes
        As for `classify`. The paths in its ``evidence`` section are read
        relative to the manifest's folder (to the working folder for a
        mapping or text).
    as_of : datetime.date or str, optional
        Apply the law as in force on this day; default today.
    run_checks : bool
        Run the checks the evidence section names (fairness, scan, verify,
        explain); without it they are listed as not assessed.
    lang : {"en", "kk", "ru"}
        Language of the report.
    evidence_roots : sequence of str or os.PathLike, optional
        Folders besides the manifest's own that its evidence paths may be
        in; a path elsewhere (after following links) is refused, so that a
        manifest from someone else cannot have ``/etc/shadow`` hashed into
        a report.

    Returns
    -------
    Assessment
        ``.verdict`` (``compliant``, ``gaps`` or ``blocked``), ``.gaps``,
        ``.obligations`` with status and evidence, ``.classification``;
        ``.to_dict()`` is the report's JSON and ``.render(format)`` its file
        in any of `senim.report.FORMATS`.

    Raises
    ------
    senim.InputError
        A bad manifest, or a check's input that cannot be used (named at
        the manifest's line that asks for it).
    """
    from senim.assessment import assess as run

    on, lang = inputs.day(as_of), inputs.language(lang)
    run_checks = inputs.flag(run_checks, "run_checks")
    loaded = inputs.manifest(manifest)
    import os

    from senim.errors import ParameterError

    if isinstance(evidence_roots, (str, bytes)) or not all(isinstance(r, (str, os.PathLike)) for r in evidence_roots):
        raise ParameterError("expected a list of folders", field="evidence_roots")
    return Assessment.from_dict(run(loaded, as_of=on, lang=lang, run_checks=run_checks,
                                    evidence_roots=tuple(evidence_roots)))
