#!/usr/bin/env bash
# The web tests' accessibility engine: axe-core from the npm registry, fetched
# once into .cache/ (MPL-2.0; not committed, used only by tests/web).
set -euo pipefail
cd "$(dirname "$0")/../.."
VERSION=4.11.0
target=".cache/axe-core-$VERSION/axe.min.js"
if [[ ! -s "$target" ]]; then
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "axe-core@$VERSION" >/dev/null && tar xzf "axe-core-$VERSION.tgz")
  mkdir -p "$(dirname "$target")"
  cp "$tmp/package/axe.min.js" "$tmp/package/LICENSE" "$(dirname "$target")/"
  rm -rf "$tmp"
fi
