#!/usr/bin/env bash
# Demo, registry and accountability: register every example into a demo
# database, record decisions about people and explain one in Kazakh, open a
# personal-data breach with its one-business-day deadline, write the notice,
# export the ledger, and end with `senim ledger verify` passing, on the
# database and on the exported bundle.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=out/registry
rm -rf "$OUT"; mkdir -p "$OUT"
export SENIM_HOME="$PWD/$OUT/senim-home"   # the demo's own ledger key, not yours
export SENIM_DB="$OUT/demo.db"

echo "== registry: senim register examples/*/senim.yaml"
senim register examples/*/senim.yaml
echo "== registry: senim systems --risk high"
senim systems --risk high
echo "== registry: a new version of the credit scoring (human review added)"
ID=$(python -c 'import yaml; print(yaml.safe_load(open("examples/credit-scoring/senim.yaml"))["id"])')
python - examples/credit-scoring/senim.yaml "$OUT/credit-scoring-v2.yaml" <<'PY'
import sys, yaml
manifest = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))
manifest["human_oversight"] = "decides"          # a loan officer now takes every decision
yaml.safe_dump(manifest, open(sys.argv[2], "w", encoding="utf-8"), allow_unicode=True, sort_keys=False)
PY
senim register "$OUT/credit-scoring-v2.yaml"
senim show "$ID"

echo "== decisions: record two decisions about people (pseudonymous ids)"
DIGEST=$(sha256sum examples/credit-scoring/applicants.csv | cut -c1-64)
cat > "$OUT/decisions.jsonl" <<JSONL
{"subject": "p-7f3a91", "system": "$ID", "inputs_digest": "sha256:$DIGEST", "output": {"decision": "declined", "score": 0.38}, "reasons": [{"feature": "monthly_income", "value": 354.2, "weight": -0.41}, {"feature": "credit_history_years", "value": 3, "weight": -0.22}], "reviewer": "Aigerim Seitkali", "data_used": ["monthly_income", "credit_history_years", "late_payments"], "decided_at": "2026-11-20T10:15:00+05:00"}
{"subject": "p-02c4d8", "system": "$ID", "inputs_digest": "sha256:$DIGEST", "output": {"decision": "approved", "score": 0.81}, "reasons": [{"feature": "monthly_income", "value": 612.0, "weight": 0.35}], "data_used": ["monthly_income", "late_payments"], "decided_at": "2026-11-20T11:02:00+05:00"}
JSONL
senim decisions record "$OUT/decisions.jsonl"
echo "== decisions: the Art. 16 explanation for p-7f3a91, in Kazakh"
senim decisions explain p-7f3a91 --lang kk --labels examples/credit-scoring/model.labels.yaml

echo "== incidents: a personal-data breach, detected yesterday"
AWARE=$(python -c 'from datetime import datetime, timedelta, timezone; print((datetime.now(timezone.utc) - timedelta(days=1)).isoformat(timespec="seconds"))')
senim incident new --kind personal_data_breach --severity high --system "$ID" \
  --summary "A scoring export was readable on a shared drive" --aware-at "$AWARE" --aware-by "Information security officer" \
  --action "Access to the shared drive revoked"
senim incident update 1 --action "Notice sent to the authorised body" --status reported --by "Data protection officer"
senim incident list
senim incident report 1 --lang ru -o "$OUT/incident-1.ru.txt"
head -5 "$OUT/incident-1.ru.txt"

echo "== ledger: an inclusion proof, an export, and verification"
senim ledger proof 1 -o "$OUT/proof-1.json"
senim ledger export "$OUT/ledger-bundle"
senim ledger verify --bundle "$OUT/ledger-bundle"
senim ledger verify
