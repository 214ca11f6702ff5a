#!/usr/bin/env bash
# The main job: set up, then run broker, sandbox ERP and Shopify, the engine and a demo order.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/ponte demo "$@"
