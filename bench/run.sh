#!/usr/bin/env bash
# `make bench`: every benchmark, each beside its yardstick in the same run.
# Each bench/bench_<area>.py prints a Markdown section and writes it to
# bench/results/<area>.md; BENCH=<area> runs one.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
for script in bench/bench_*.py; do
  area=$(basename "$script" .py); area=${area#bench_}
  [[ -n "${BENCH:-}" && "$BENCH" != "$area" ]] && continue
  echo "== $area"
  python "$script" | tee "bench/results/$area.md"
done
