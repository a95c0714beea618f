#!/usr/bin/env bash
# Run the bot on the embedded defaults (SQLite in ./var, SMTP 127.0.0.1:2525, HTTP 127.0.0.1:8080).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/venv.sh
exec .venv/bin/intake serve "$@"
