"""Train the small credit model of this example on data it generates.

    python examples/credit-scoring/train.py [--out FOLDER] [--rows N] [--seed S]

Writes, into FOLDER (default: this folder):
  applicants.csv     the applications the model decided (features and id)
  decisions.parquet  the decision log: id, repaid (target), approved
                     (decision), score, and the sensitive columns sex,
                     age_band and region, for `senim fairness`
  model.skops        the scikit-learn pipeline, saved with skops (safe to load)

Everything comes from a seeded generator: no downloads. The data is made so
that income differs by region and sex, so a model that never sees sex still
treats the groups differently, which is what the fairness check is for.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import polars as pl

REGIONS = ["Almaty", "Astana", "Shymkent", "Karaganda", "Aktobe", "Turkistan"]
REGION_INCOME = {"Almaty": 1.25, "Astana": 1.3, "Shymkent": 0.9, "Karaganda": 1.0, "Aktobe": 1.05, "Turkistan": 0.75}
FEATURES = ["age", "monthly_income", "debt_to_income", "credit_history_years",
            "loan_amount", "years_employed", "late_payments", "region"]


def generate(rows: int, seed: int) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    age = rng.integers(19, 70, rows)
    sex = rng.choice(["female", "male"], rows)
    region = rng.choice(REGIONS, rows, p=[0.22, 0.18, 0.17, 0.15, 0.13, 0.15])
    base = np.array([REGION_INCOME[r] for r in region]) * np.where(sex == "male", 1.15, 0.95)
    income = np.round(rng.lognormal(np.log(350) + np.log(base) + 0.01 * np.minimum(age - 19, 25), 0.45), 1)
    history = np.clip(np.round(rng.uniform(0, 1, rows) * (age - 18) * 0.8, 1), 0, None)
    employed = np.clip(np.round(rng.gamma(2.0, 2.5, rows), 1), 0, age - 18)
    loan = np.round(rng.lognormal(np.log(1500), 0.6, rows), -1)
    debt = np.clip(np.round(rng.beta(2, 5, rows) + loan / (income * 60), 3), 0, 2)
    late = rng.poisson(np.where(debt > 0.5, 1.2, 0.4))
    logit = (-0.6 + 0.004 * (income - 350) - 2.8 * (debt - 0.35) + 0.05 * history
             + 0.06 * employed - 0.45 * late - 0.00012 * (loan - 1500))
    repaid = (rng.uniform(size=rows) < 1 / (1 + np.exp(-logit))).astype(np.int8)
    age_band = np.select([age < 25, age < 35, age < 50, age < 60], ["18-24", "25-34", "35-49", "50-59"], "60+")
    return pl.DataFrame({
        "application_id": [f"A{100000 + i}" for i in range(rows)],
        "age": age, "monthly_income": income, "debt_to_income": debt,
        "credit_history_years": history, "loan_amount": loan, "years_employed": employed,
        "late_payments": late, "region": region, "sex": sex, "age_band": age_band, "repaid": repaid,
    })


def train(frame: pl.DataFrame, seed: int):
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder

    numeric = [f for f in FEATURES if f != "region"]
    model = Pipeline([
        ("prepare", ColumnTransformer(
            [("region", OneHotEncoder(handle_unknown="ignore", sparse_output=False), ["region"])],
            remainder="passthrough", verbose_feature_names_out=False)),
        ("classify", HistGradientBoostingClassifier(max_iter=60, max_depth=3, learning_rate=0.1, random_state=seed)),
    ])
    X = frame.select(FEATURES).to_pandas()
    model.fit(X, frame["repaid"].to_numpy())
    assert set(numeric) < set(model.feature_names_in_)
    return model


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).parent)
    parser.add_argument("--rows", type=int, default=6000)
    parser.add_argument("--seed", type=int, default=230)
    args = parser.parse_args(argv)

    import skops.io as sio

    data = generate(args.rows, args.seed)
    split = int(len(data) * 0.75)
    history, applicants = data[:split], data[split:]
    model = train(history, args.seed)
    score = model.predict_proba(applicants.select(FEATURES).to_pandas())[:, 1]
    decisions = applicants.select("application_id", "repaid", "sex", "age_band", "region").with_columns(
        approved=pl.Series((score >= 0.5).astype(np.int8)), score=pl.Series(np.round(score, 4)))
    args.out.mkdir(parents=True, exist_ok=True)
    applicants.select("application_id", *FEATURES).write_csv(args.out / "applicants.csv")
    decisions.write_parquet(args.out / "decisions.parquet")
    sio.dump(model, args.out / "model.skops")
    print(f"{len(history)} training rows, {len(applicants)} decisions, "
          f"approval rate {decisions['approved'].mean():.3f}, written to {args.out}")


if __name__ == "__main__":
    main()
