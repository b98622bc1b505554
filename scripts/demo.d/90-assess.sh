#!/usr/bin/env bash
# Demo, assessment: the gate on a system with a prohibited capability (exit 1),
# then the main job: is the bank's credit scoring compliant, and what exactly is
# missing? Its evidence section runs the fairness and explain checks; the report
# is written in every format (signed JSON, Markdown, HTML, PDF, SARIF).
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p out
# The organisation of the registry demo (70-registry.sh): its key signs the
# report, and its registry stores and ledgers the assessment.
export SENIM_HOME="$PWD/out/registry/senim-home"
export SENIM_DB="out/registry/demo.db"

echo "== assess: the grid optimiser runs at an autonomy no law permits (the gate exits 1)"
set +e
senim assess examples/grid-optimiser/senim.yaml --format sarif > out/grid-optimiser.sarif
code=$?
[[ $code -eq 1 ]] || { echo "expected the gate to exit 1, got $code" >&2; exit 1; }
set -e
echo "exit code $code; SARIF with $(python -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["runs"][0]["results"]))' out/grid-optimiser.sarif) results: out/grid-optimiser.sarif"
echo
echo "== senim assess examples/credit-scoring/senim.yaml --run-checks --report out/"
senim assess examples/credit-scoring/senim.yaml --run-checks --report out/
echo
echo "== senim report verify out/retail-credit-scoring.en.json"
senim report verify out/retail-credit-scoring.en.json
echo
echo "== senim ledger verify (the assessment is ledgered beside the registry's changes)"
senim ledger verify
echo
echo "The report is in out/: retail-credit-scoring.en.html (open it in a browser), .pdf, .md, .sarif, and the signed .json."
