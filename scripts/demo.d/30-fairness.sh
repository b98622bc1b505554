#!/usr/bin/env bash
# Demo, fairness and explanations (KZ AI law Arts. 4-11 and 16; EU AI Act
# Arts. 10, 13, 86): measure the credit model's decisions by sex and by
# region x age band, write the evidence, then explain one declined decision
# to the applicant in Kazakh.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=out/fairness
mkdir -p "$OUT"
EX=examples/credit-scoring

echo "== fairness: credit decisions by sex, with ROC AUC and 95% intervals"
senim fairness "$EX/decisions.parquet" --target repaid --prediction approved --sensitive sex \
  --score score --evidence "$OUT/fairness-sex.json"
echo
echo "== fairness: intersectional groups (region x age band) as a CI gate, --max-difference 0.2"
set +e
senim fairness "$EX/decisions.parquet" --target repaid --prediction approved --sensitive region,age_band \
  --bootstrap 200 --max-difference 0.2 --format html > "$OUT/fairness-region-age.html"
gate=$?
set -e
echo "exit code $gate (1 = a disparity above the gate); report: $OUT/fairness-region-age.html"
echo
declined=$(python - "$EX/decisions.parquet" <<'PY'
import sys, polars as pl
print(pl.read_parquet(sys.argv[1]).filter(pl.col("approved") == 0)["application_id"][0])
PY
)
echo "== explain: why application $declined was declined, and the letter (Kazakh)"
senim explain "$EX/model.skops" "$EX/applicants.csv" --row "$declined" --lang kk --repeats 5 \
  --evidence "$OUT/explain-$declined.json"
