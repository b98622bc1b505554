#!/usr/bin/env bash
# Demo, the web door: a person of the bank's organisation for the demo
# registry (the organisations were made from the examples' owner BINs when
# they were registered), and the one command that serves it. Nothing is
# started here.
set -euo pipefail
cd "$(dirname "$0")/../.."
export SENIM_HOME="out/registry/senim-home"
export SENIM_DB="out/registry/demo.db"
EMAIL=demo@bank.example.kz
PASSWORD=$(python -c 'import secrets; print(secrets.token_urlsafe(12))')

echo "== web: the organisations of the demo registry"
senim org list
echo "== web: an administrator of Example Bank JSC (BIN 940140000385) and an API token"
printf '%s\n' "$PASSWORD" | senim user add "$EMAIL" --org 940140000385 --role admin --password-stdin
senim token add "$EMAIL" --name "demo CI" > out/registry/demo-token.txt 2>/dev/null
echo "(the API token is in out/registry/demo-token.txt)"
echo
echo "Serve the demo registry with:"
echo
echo "  SENIM_HOME=$SENIM_HOME .venv/bin/senim serve --db $SENIM_DB"
echo
echo "then open http://127.0.0.1:8000/ and sign in as $EMAIL with the password $PASSWORD"
