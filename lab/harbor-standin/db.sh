#!/bin/sh
# Lab stand-in for harbor-db: Debian's PostgreSQL 15, initialised on first start with the
# password prepare wrote into common/config/db/env (applied only then, as in Harbor), and the
# database core uses (registry).
set -eu
# The password prepare wrote (mounted, not env_file: see prepare.py).
set -a
. /etc/harbor-standin/password.env
set +a
PGDATA=/var/lib/postgresql/data
BIN=/usr/lib/postgresql/15/bin
mkdir -p /run/postgresql
chown postgres:postgres "$PGDATA" /run/postgresql
chmod 0700 "$PGDATA"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  umask 077
  printf '%s\n' "$POSTGRES_PASSWORD" >/run/postgresql/pwfile
  chown postgres /run/postgresql/pwfile
  runuser -u postgres -- "$BIN/initdb" -D "$PGDATA" -U postgres --pwfile=/run/postgresql/pwfile \
    --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  rm -f /run/postgresql/pwfile
  echo "host all all 0.0.0.0/0 scram-sha-256" >>"$PGDATA/pg_hba.conf"
  runuser -u postgres -- "$BIN/postgres" --single -D "$PGDATA" postgres <<SQL >/dev/null
CREATE DATABASE registry;
SQL
fi
exec runuser -u postgres -- "$BIN/postgres" -D "$PGDATA" -c listen_addresses='*' -c jit=off
