#!/usr/bin/env bash
# Install and start PostgreSQL on 127.0.0.1:$PORT (55432: clear of a packaged cluster the
# install may have started on 5432) for the hub tests and benches; prints the database URL
# (export it as CLINICLINK_TEST_PG_URL). Needs root (CI container). Idempotent.
set -euo pipefail
DB=${1:-cliniclink_test}
PORT=${CLINICLINK_PG_PORT:-55432}
if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
fi
BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
DATA=/var/lib/postgresql/cliniclink-ci
if [ ! -f "$DATA/PG_VERSION" ]; then
  install -d -o postgres -g postgres "$DATA"
  su postgres -c "$BIN/initdb -D $DATA -A trust -U postgres" >&2
fi
if ! su postgres -c "$BIN/pg_ctl -D $DATA status" >/dev/null 2>&1; then
  install -d -o postgres -g postgres /var/run/postgresql
  su postgres -c "$BIN/pg_ctl -D $DATA -l $DATA/server.log -w start -o '-h 127.0.0.1 -p $PORT -c max_connections=300'" >&2
fi
su postgres -c "$BIN/psql -h 127.0.0.1 -p $PORT -U postgres -tAc \"SELECT 1 FROM pg_database WHERE datname='$DB'\"" | grep -q 1 \
  || su postgres -c "$BIN/createdb -h 127.0.0.1 -p $PORT -U postgres $DB" >&2
echo "postgresql+psycopg://postgres@127.0.0.1:$PORT/$DB"
