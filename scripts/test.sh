#!/usr/bin/env bash
# Set up, then run the whole test suite against a real Kafka broker (see tests/broker.py).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
.venv/bin/ruff check .
.venv/bin/mypy
exec .venv/bin/python -m pytest "$@"
