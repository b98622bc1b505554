#!/usr/bin/env bash
# `make demo`: the main job on the bundled examples, then each area's part
# (scripts/demo.d/*.sh, in the order of their names).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
shopt -s nullglob
for part in scripts/demo.d/*.sh; do
  bash "$part"
done
