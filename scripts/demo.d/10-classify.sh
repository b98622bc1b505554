#!/usr/bin/env bash
# Core: classify every bundled example, then what the bank's credit scoring owes.
set -euo pipefail
echo "== senim classify examples/*/senim.yaml --format table"
COLUMNS=${COLUMNS:-140} senim classify examples/*/senim.yaml --format table
echo
echo "== senim obligations examples/credit-scoring/senim.yaml"
COLUMNS=${COLUMNS:-140} senim obligations examples/credit-scoring/senim.yaml
echo
