#!/usr/bin/env bash
# Run the whole test suite. PostgreSQL tests run when INTAKE_TEST_POSTGRES_URL is set.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/venv.sh
exec .venv/bin/python -m pytest "$@"
