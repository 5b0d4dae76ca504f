#!/usr/bin/env bash
# Starts a private PostgreSQL server for the tests on 127.0.0.1 (never another address) and
# prints its connection string. Idempotent: a server already running from this script is reused.
#   usage: eval "$(scripts/postgres.sh)"   → exports ORCH_TEST_PG
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/lib.sh"
ensure_apt_packages postgresql >&2

PORT="${ORCH_PG_PORT:-55432}"
DIR="${ORCH_PG_DIR:-/tmp/orch-pg}"
BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)"
RUN_AS=(); [ "$(id -u)" -eq 0 ] && RUN_AS=(runuser -u postgres --)

if ! "${RUN_AS[@]}" "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" 2>/dev/null; then
  if [ ! -f "$DIR/PG_VERSION" ]; then
    mkdir -p "$DIR"; [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$DIR"
    "${RUN_AS[@]}" "$BIN/initdb" -D "$DIR" -U postgres --auth=trust -E UTF8 >/dev/null
  fi
  "${RUN_AS[@]}" "$BIN/pg_ctl" -D "$DIR" -l "$DIR/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $PORT -k /tmp -c max_connections=300 -c fsync=off" start >&2
fi
echo "export ORCH_TEST_PG='Host=127.0.0.1;Port=$PORT;Username=postgres;Database=postgres'"
