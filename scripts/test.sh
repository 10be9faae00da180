#!/usr/bin/env bash
# Install the project with its test extras into .venv, start what the tests need, then run the
# whole test suite (lint, layer contracts, unit, property, stateful and store tests on SQLite and
# PostgreSQL, the command line, doctests in docs/, examples). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[test]"

# PostgreSQL: the machine's cluster, with a role and a database for the tests. Where there is no
# cluster, the PostgreSQL tests skip with a one-line reason and the rest still run.
if [ -z "${DELIBERATE_TEST_PG_URL:-}" ] && command -v pg_ctlcluster >/dev/null 2>&1; then
  if pg_ctlcluster --skip-systemctl-redirect 15 main start 2>/dev/null || pg_lsclusters 2>/dev/null | grep -q online; then
    su postgres -c "psql -q -v ON_ERROR_STOP=1" <<'SQL' >/dev/null
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'deliberate') THEN
    CREATE ROLE deliberate LOGIN CREATEDB PASSWORD 'deliberate';
  END IF;
END $$;
SQL
    su postgres -c "psql -q -tc \"SELECT 1 FROM pg_database WHERE datname = 'deliberate'\"" | grep -q 1 \
      || su postgres -c "createdb -O deliberate deliberate"
    export DELIBERATE_TEST_PG_URL="postgresql+psycopg://deliberate:deliberate@127.0.0.1:5432/deliberate"
  fi
fi

# Chromium and Chinese fonts for the browser tests (Playwright drives Debian's chromium; it cannot
# download browsers here). Without them, the browser tests skip with a one-line reason.
if ! command -v chromium >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk) \
    >/dev/null 2>&1 || echo "note: could not install chromium; browser tests will skip"
fi

exec .venv/bin/python -m pytest "$@"
