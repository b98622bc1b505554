"""Loading a model without running code from it.

skops files describe their objects instead of pickling them; skops lists the
types it would have to create that it does not trust by itself, and Senim
loads the file only if each of those is a scikit-learn type known to be plain
data (a fitted tree, a histogram-boosting predictor, a distance metric).
Pickle and joblib files run whatever code they contain when loaded, so they
are refused unless the user says they trust the file. A skops file's
arrays are checked too (`structure`): the types alone do not stop a tree
whose indices point outside it from crashing the process.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

from senim.errors import InputError, Word

#: scikit-learn types beyond skops' own trusted set that hold only fitted data
TRUSTED_TYPES = frozenset({
    "sklearn.tree._tree.Tree",
    "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
    "sklearn.ensemble._hist_gradient_boosting.binning._BinMapper",
    "sklearn._loss.loss.HalfBinomialLoss",
    "sklearn._loss.link.LogitLink",
    "sklearn.metrics._dist_metrics.EuclideanDistance64",
    "sklearn.neighbors._kd_tree.KDTree",
    "sklearn.neighbors._ball_tree.BallTree",
})
PICKLE_SUFFIXES = (".pkl", ".pickle", ".joblib", ".sav")


def load_model(path: str | Path, *, trust: bool = False):
    """The fitted estimator stored at `path`."""
    from senim.reading import open_regular

    path = Path(path)
    os.close(open_regular(path, Word("errors.what.model_file")))  # missing, a folder, a FIFO or a device: named as such
    if zipfile.is_zipfile(path) and path.suffix.lower() not in PICKLE_SUFFIXES:
        return _load_skops(path, trust)
    if not trust:
        raise InputError(
            f"{path}: is not a skops file; Senim reads it only as a pickle or joblib file, and loading one "
            "runs any code it holds: save the model with skops (skops.io.dump) or pass `trust_model` if you trust its source"
        )
    import joblib

    try:
        return joblib.load(path)
    except Exception as error:  # a trusted pickle can fail in any way
        raise InputError(f"{path}: cannot be loaded: {type(error).__name__}: {error}") from None


def _load_skops(path: Path, trust: bool):
    import skops.io as sio

    from senim.checks.explain.structure import check_archive, check_model

    check_archive(path)  # a zip bomb or lying array headers: refused before skops inflates anything
    try:
        untrusted = sio.get_untrusted_types(file=path)
    except Exception as error:
        raise InputError(f"{path}: is not a readable skops file ({type(error).__name__})") from None
    unknown = sorted(set(untrusted) - TRUSTED_TYPES)
    if unknown and not trust:
        raise InputError(
            f"{path}: holds types Senim does not load without review ({', '.join(unknown)}); "
            "check them and pass `trust_model` to load it anyway"
        )
    try:
        model = sio.load(path, trusted=list(untrusted))
    except Exception as error:
        raise InputError(f"{path}: cannot be loaded: {type(error).__name__}: {error}") from None
    if not trust:  # plain-data types, but their arrays drive compiled code: checked before any use
        check_model(model, path)
    return model
