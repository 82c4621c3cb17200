#!/usr/bin/env bash
# Starts Debian's PostgreSQL on 127.0.0.1:5432 and creates the role and database the PostgreSQL
# tests use (user skein, password skein, database skein_test). Safe to run twice.
set -euo pipefail
# su postgres runs its commands here: a directory the postgres user may enter (not a clone under /root)
cd /
if ! command -v pg_lsclusters >/dev/null 2>&1; then
  apt-get install -y -q postgresql >/dev/null
fi
version=$(pg_lsclusters -h | awk 'NR==1 {print $1}')
cluster=$(pg_lsclusters -h | awk 'NR==1 {print $2}')
if [ -z "$version" ]; then
  echo "no PostgreSQL cluster found" >&2
  exit 1
fi
pg_ctlcluster "$version" "$cluster" start 2>/dev/null || true
for _ in $(seq 1 30); do
  if su postgres -c "psql -qAtc 'select 1'" >/dev/null 2>&1; then break; fi
  sleep 1
done
su postgres -c "psql -qAtc \"SELECT 1 FROM pg_roles WHERE rolname='skein'\"" | grep -q 1 \
  || su postgres -c "psql -qc \"CREATE ROLE skein LOGIN PASSWORD 'skein'\""
su postgres -c "psql -qAtc \"SELECT 1 FROM pg_database WHERE datname='skein_test'\"" | grep -q 1 \
  || su postgres -c "createdb -O skein skein_test"
echo "PostgreSQL ready: jdbc:postgresql://127.0.0.1:5432/skein_test (skein/skein)"
