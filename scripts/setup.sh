#!/usr/bin/env bash
# Idempotent setup of a fresh clone: Python venv with Ponte and its dev tools, and the Kafka jars.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "setup: Python 3.11 or newer is needed (found: $("$PYTHON" --version 2>&1))" >&2
  exit 1
fi

need_system_packages=()
command -v java >/dev/null || need_system_packages+=(openjdk-17-jre-headless)
command -v mvn >/dev/null || need_system_packages+=(maven)
# The browser tests drive Debian's Chromium (never a downloaded browser build).
[ -x /usr/bin/chromium ] || need_system_packages+=(chromium)
if [ ${#need_system_packages[@]} -gt 0 ]; then
  as_root=()
  [ "$(id -u)" = 0 ] || as_root=(sudo)
  if command -v apt-get >/dev/null && { [ "$(id -u)" = 0 ] || command -v sudo >/dev/null; }; then
    echo "setup: installing ${need_system_packages[*]} with apt-get"
    ${as_root[@]+"${as_root[@]}"} apt-get update -qq
    ${as_root[@]+"${as_root[@]}"} apt-get install -y -qq "${need_system_packages[@]}" >/dev/null
  else
    echo "setup: please install ${need_system_packages[*]} (Java 17+ and Maven run the local Kafka broker)" >&2
    exit 1
  fi
fi

# promtool and prometheus: the alert rules' unit tests and the test that scrapes a real worker.
if ! command -v promtool >/dev/null || ! command -v prometheus >/dev/null; then
  as_root=()
  [ "$(id -u)" = 0 ] || as_root=(sudo -n)
  if command -v apt-get >/dev/null && { [ ${#as_root[@]} = 0 ] || sudo -n true 2>/dev/null; }; then
    echo "setup: installing prometheus (promtool) with apt-get"
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
      apt-get install -y -qq --no-install-recommends prometheus >/dev/null
  else
    echo "setup: please install prometheus (promtool tests the alert rules in deploy/prometheus)" >&2
    exit 1
  fi
fi

if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.ponte-deps
wanted=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e '.[dev]'
  echo "$wanted" > "$stamp"
fi

.venv/bin/ponte broker fetch
