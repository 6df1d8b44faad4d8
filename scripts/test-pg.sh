#!/usr/bin/env bash
# Runs the PostgreSQL pass (`npm run test:pg`, vitest.pg.config.ts: test/pg, then the integration
# tests again with HOCVUSO_TEST_DB=pg) on a throw-away PostgreSQL server that pg_virtualenv (Debian's
# postgresql-common) creates for the run and drops afterwards; it exports PGHOST, PGPORT, PGUSER,
# PGPASSWORD and PGDATABASE, and each test file makes its own database.
#
# Works as root and as any other user: `-t` keeps the cluster in a temporary directory in both
# cases (as root, pg_virtualenv would otherwise create /etc/postgresql/<v>/regress and refuse to
# run while another run holds it); as root the server itself runs as the postgres user.
#
# Usage: scripts/test-pg.sh [vitest arguments, e.g. a test file, or --project pg|both]
# PG_VERSION=15 picks a server version when several are installed (default: the newest).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v pg_virtualenv >/dev/null; then
  echo "pg_virtualenv not found: install Debian's PostgreSQL (apt-get install postgresql postgresql-common)," >&2
  echo "or run 'npm run test:pg' with PGHOST, PGPORT, PGUSER and PGPASSWORD naming a server of your own." >&2
  exit 2
fi

exec pg_virtualenv -t ${PG_VERSION:+-v "$PG_VERSION"} npm run test:pg -- "$@"
