#!/usr/bin/env bash
# Starts a private PostgreSQL server for the registry tests (idempotent):
# data under /tmp/senim-pg owned by postgres, port 55432, unix socket in the
# same folder, role and database "senim" (password "senim") for the tests.
# Tests reach it at postgresql+psycopg://senim:senim@127.0.0.1:55432/senim
# (SENIM_TEST_PG overrides).
set -euo pipefail
cd /   # the postgres user may not enter the checkout (a private temporary folder in CI)
PORT=55432
DATA=/tmp/senim-pg/data
SOCK=/tmp/senim-pg
BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[[ -x "$BIN/pg_ctl" ]] || { echo "registry.start.sh: PostgreSQL server binaries not found" >&2; exit 1; }
if [[ $(id -u) -eq 0 ]]; then as_pg() { runuser -u postgres -- "$@"; }; else as_pg() { "$@"; }; fi

mkdir -p "$SOCK"
[[ $(id -u) -eq 0 ]] && chown postgres:postgres "$SOCK"
chmod 0700 "$SOCK"
if [[ ! -s "$DATA/PG_VERSION" ]]; then
  as_pg "$BIN/initdb" -D "$DATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
fi
if ! as_pg "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
  as_pg "$BIN/pg_ctl" -D "$DATA" -l "$SOCK/server.log" -w -t 60 \
    -o "-p $PORT -k $SOCK -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
fi
psql_pg() { as_pg psql -h "$SOCK" -p "$PORT" -U postgres -d postgres -qAtX "$@"; }
if [[ "$(psql_pg -c "SELECT 1 FROM pg_roles WHERE rolname='senim'")" != 1 ]]; then
  psql_pg -c "CREATE ROLE senim LOGIN CREATEDB PASSWORD 'senim'"
fi
if [[ "$(psql_pg -c "SELECT 1 FROM pg_database WHERE datname='senim'")" != 1 ]]; then
  psql_pg -c "CREATE DATABASE senim OWNER senim"
fi
