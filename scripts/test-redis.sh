#!/usr/bin/env bash
# Idempotency keys shared through a real Redis by two gateway processes (test/redis/).
# Installs Debian's redis-server when missing; each test file starts its own server on a free
# loopback port (no persistence) and stops it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if ! command -v redis-server >/dev/null 2>&1; then
  echo "test:redis: installing redis-server (Debian package)"
  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y redis-server
fi
exec npx vitest run --config test/redis/vitest.config.ts "$@"
