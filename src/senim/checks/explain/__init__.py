"""Explanations of a model's decisions: global importance and single decisions.

    model = load_model("model.skops")
    result = explain("model.skops", "applicants.csv", rows=["A104500"], lang="kk")

Global: permutation importance (how much the model's decisions change when
one feature's values are shuffled), with its spread over repeats. Local: the
signed contribution of each feature to one decision, by SHAP (TreeExplainer
for tree ensembles, LinearExplainer for linear models, a model-agnostic
permutation explainer otherwise), summed back from encoded columns (one-hot)
to the features the person gave; contributions add up to the model's output
minus the base value. A letter tells the person what was decided, the main
reasons and the data used.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

from senim.checks.explain.model import load_model
from senim.errors import InputError

__all__ = ["explain", "load_model", "global_importance", "local_explanation"]

TREE_MODELS = (
    "DecisionTreeClassifier", "DecisionTreeRegressor", "RandomForestClassifier", "RandomForestRegressor",
    "ExtraTreesClassifier", "ExtraTreesRegressor", "GradientBoostingClassifier", "GradientBoostingRegressor",
    "HistGradientBoostingClassifier", "HistGradientBoostingRegressor",
)
LINEAR_MODELS = ("LogisticRegression", "LinearRegression", "Ridge", "Lasso", "ElasticNet", "SGDClassifier",
                 "RidgeClassifier", "LinearSVC")
BACKGROUND = 200  # rows of background data for SHAP's linear and permutation explainers
IMPORTANCE_ROWS = 2000
REASONS = 3


def read_table(path: str | Path):
    """The whole table at `path` as a pandas DataFrame (explanation data is small)."""
    from senim.checks.fairness.source import open_log, reading

    frame, _, _, _ = open_log(path)
    with reading(path):
        table = frame.collect()
    if table.height == 0:
        raise InputError(f"{path}: the data has no rows")
    return table.to_pandas()


def split_model(model):
    """(preprocessing or None, final estimator)."""
    from sklearn.pipeline import Pipeline

    if isinstance(model, Pipeline) and len(model.steps) > 1:
        return model[:-1], model[-1]
    return None, model


def feature_names(model, data, path, id_column) -> list[str]:
    names = getattr(model, "feature_names_in_", None)
    if names is None:
        names = [c for c in data.columns if c != id_column]
    missing = [n for n in names if n not in data.columns]
    if missing:
        raise InputError(f"{path}: the model needs column(s) {', '.join(map(str, missing))}, which the data lacks")
    return [str(n) for n in names]


def _origin(encoded: list[str], features: list[str]) -> list[str]:
    """The input feature each encoded column comes from (one-hot 'region_Almaty' -> 'region')."""
    out = []
    for name in encoded:
        if name in features:
            out.append(name)
            continue
        owners = [f for f in features if name.startswith(f + "_")]
        out.append(max(owners, key=len) if owners else name)
    return out


def _is_classifier(estimator) -> bool:
    return hasattr(estimator, "classes_")


def _output(estimator, X):
    """The model output SHAP explains, and its name."""
    name = type(estimator).__name__
    if _is_classifier(estimator) and hasattr(estimator, "decision_function") and name not in (
            "RandomForestClassifier", "ExtraTreesClassifier", "DecisionTreeClassifier"):
        values = estimator.decision_function(X)
        return np.asarray(values, dtype=np.float64).reshape(len(X), -1)[:, -1], "log-odds"
    if _is_classifier(estimator):
        return estimator.predict_proba(X)[:, -1], "probability"
    return np.asarray(estimator.predict(X), dtype=np.float64), "prediction"


class LocalExplainer:
    """SHAP for one model, prepared once for several decisions."""

    def __init__(self, model, X, seed: int = 0):
        import shap

        self.model = model
        self.pre, self.estimator = split_model(model)
        self.features = list(X.columns)
        Xt = self.pre.transform(X) if self.pre is not None else X.to_numpy()
        self.Xt = np.asarray(Xt, dtype=np.float64)
        encoded = (list(self.pre.get_feature_names_out()) if self.pre is not None else self.features)
        self.origin = _origin([str(e) for e in encoded], self.features)
        rng = np.random.default_rng(seed)
        take = rng.choice(len(self.Xt), size=min(BACKGROUND, len(self.Xt)), replace=False)
        background = self.Xt[np.sort(take)]
        name = type(self.estimator).__name__
        _, self.output = _output(self.estimator, self.Xt[:1])
        if name in TREE_MODELS:
            self.method = "shap.TreeExplainer"
            self.explainer = shap.TreeExplainer(self.estimator)
        elif name in LINEAR_MODELS and hasattr(self.estimator, "coef_"):
            self.method = "shap.LinearExplainer"
            self.explainer = shap.LinearExplainer(self.estimator, shap.maskers.Independent(background, max_samples=len(background)))
        else:
            self.method = "shap.PermutationExplainer"
            estimator = self.estimator

            def f(rows):
                return _output(estimator, rows)[0]

            self.explainer = shap.PermutationExplainer(f, shap.maskers.Independent(background, max_samples=len(background)), seed=seed)

    def explain(self, index: int) -> dict:
        row = self.Xt[index:index + 1]
        if self.method == "shap.PermutationExplainer":
            # ten antithetic permutations: exact additivity needs one, more steady the values
            found = self.explainer(row, max_evals=10 * (2 * row.shape[1] + 1))
            values, base = found.values[0], float(np.ravel(found.base_values)[0])
        else:
            values = np.asarray(self.explainer.shap_values(row))
            base = np.ravel(self.explainer.expected_value)
            if values.ndim == 3:  # one column per class: explain the positive class
                values, base = values[..., -1], base[-1:]
            values, base = values.reshape(-1), float(base[-1])
        output = float(_output(self.estimator, row)[0][0])
        by_feature: dict[str, float] = {}
        for name, value in zip(self.origin, values):
            by_feature[name] = by_feature.get(name, 0.0) + float(value)
        return {"method": self.method, "output": self.output, "base_value": base,
                "model_output": output, "contributions": by_feature}


def global_importance(model, X, y=None, *, repeats: int = 10, seed: int = 0) -> list[dict]:
    """Permutation importance of each input feature, with its spread over `repeats` shuffles.

    Without true outcomes y, the yardstick is agreement with the model's own
    decisions: how much would its decisions change without this feature.
    """
    from sklearn.inspection import permutation_importance

    rng = np.random.default_rng(seed)
    if len(X) > IMPORTANCE_ROWS:
        take = np.sort(rng.choice(len(X), size=IMPORTANCE_ROWS, replace=False))
        X = X.iloc[take]
        y = None if y is None else np.asarray(y)[take]
    if y is None:
        y = model.predict(X)
    found = permutation_importance(model, X, y, n_repeats=repeats, random_state=seed)
    order = np.argsort(-found.importances_mean, kind="stable")
    return [{"feature": str(X.columns[i]), "importance_mean": float(found.importances_mean[i]),
             "importance_std": float(found.importances_std[i])} for i in order]


def local_explanation(explainer: LocalExplainer, X, index: int, row_id) -> dict:
    found = explainer.explain(index)
    model = explainer.model
    decision = model.predict(X.iloc[index:index + 1])[0]
    entry = {"row": str(row_id), "decision": decision.item() if hasattr(decision, "item") else decision}
    if _is_classifier(model) and hasattr(model, "predict_proba"):
        # the last class (1 of 0/1) is the favourable outcome the probability is of
        entry["positive"] = bool(decision == model.classes_[-1])
        entry["probability"] = float(model.predict_proba(X.iloc[index:index + 1])[0, -1])
    contributions = [
        {"feature": f, "value": _plain(X.iloc[index][f]), "contribution": c}
        for f, c in found.pop("contributions").items()
    ]
    contributions.sort(key=lambda c: -abs(c["contribution"]))
    entry.update(found)
    entry["contributions"] = contributions
    return entry


def _plain(value):
    if hasattr(value, "item"):
        value = value.item()
    return value


def select_rows(data, path, id_column: str | None, wanted: Sequence[str]) -> list[tuple[int, str]]:
    """(position, id) of each wanted row: by the id column, or by row number without one."""
    if id_column is None:
        out = []
        for w in wanted:
            if not str(w).isdigit() or int(w) >= len(data):
                raise InputError(f"{path}: no row {w} (the data has no id column; rows are numbered 0 to {len(data) - 1})")
            out.append((int(w), str(w)))
        return out
    ids = data[id_column].astype(str)
    positions = {v: i for i, v in enumerate(ids)}
    out = []
    for w in wanted:
        if str(w) not in positions:
            raise InputError(f"{path}: no row with {id_column} = {w}")
        out.append((positions[str(w)], str(w)))
    return out


def guess_id_column(columns) -> str | None:
    for name in columns:
        if str(name).lower() == "id" or str(name).lower().endswith("_id"):
            return str(name)
    return None


def explain(model_path, data_path, *, rows: Sequence[str] = (), id_column: str | None = None,
            target: str | None = None, trust_model: bool = False, lang: str = "en", seed: int = 0,
            repeats: int = 10, context=None) -> dict:
    """Global importance and, for each of `rows`, a local explanation and a letter.

    A letter names every feature in the owner's words: `context.labels` (a
    `senim.letters.Labels`), else the label table beside the model
    (`model.labels.yaml`). Without a table the decisions are explained but no
    letter is written (`letter` is None); a table that lacks a feature is
    refused before any work."""
    from senim.checks.explain.letter import Context, letter
    from senim.letters import labels_beside, load_labels, require_labels

    context = context or Context()
    if rows and context.labels is None and labels_beside(model_path).is_file():
        context.labels = load_labels(labels_beside(model_path))

    model = load_model(model_path, trust=trust_model)
    data = read_table(data_path)
    if id_column is not None and id_column not in data.columns:
        raise InputError(f"{data_path}: no column '{id_column}'")
    id_column = id_column or guess_id_column(data.columns)
    features = feature_names(model, data, data_path, id_column)
    X = data[features]
    if rows and context.labels is not None:
        require_labels(context.labels, features, str(model_path))
    y = None
    if target is not None:
        if target not in data.columns:
            raise InputError(f"{data_path}: no column '{target}'")
        y = data[target].to_numpy()
    try:
        chosen = select_rows(data, data_path, id_column, rows) if rows else []  # fail fast on a wrong id
        importance = global_importance(model, X, y, repeats=repeats, seed=seed)
        decisions = []
        if chosen:
            explainer = LocalExplainer(model, X, seed=seed)
            for index, row_id in chosen:
                entry = local_explanation(explainer, X, index, row_id)
                entry["letter"] = letter(entry, features, lang, context) if context.labels is not None else None
                from senim.letters import sensitive_in

                flagged = sensitive_in([c["feature"] for c in entry["contributions"][:REASONS]], context.labels,
                                       context.marked_sensitive)
                if flagged:
                    entry["sensitive_reasons"] = flagged
                decisions.append(entry)
    except InputError:
        raise
    except (ValueError, TypeError) as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise InputError(f"{data_path}: the model cannot use this data: {first}") from None
    return {"model": str(model_path), "data": str(data_path), "model_type": type(model).__name__,
            "features": features, "id_column": id_column, "target": target,
            "global": {"method": "permutation_importance", "repeats": repeats, "seed": seed,
                       "scoring": "agreement with the true outcome" if target else "agreement with the model's own decisions",
                       "features": importance},
            "decisions": decisions}
