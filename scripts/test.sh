#!/usr/bin/env bash
# Set up, then run the whole test suite headless (Qt offscreen), plus ruff and mypy.
# Set CLINICLINK_TEST_PG=1 to also start a local PostgreSQL for the county hub tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export QT_QPA_PLATFORM=offscreen
if [ "${CLINICLINK_TEST_PG:-0}" = "1" ] && [ -f scripts/ci-postgres.sh ]; then
  CLINICLINK_TEST_PG_URL=$(bash scripts/ci-postgres.sh | tail -n 1)
  export CLINICLINK_TEST_PG_URL
fi
echo "==> ruff"
.venv/bin/ruff check .
echo "==> mypy"
.venv/bin/mypy
echo "==> pytest"
.venv/bin/python -m pytest "$@"
