#!/usr/bin/env bash
# Idempotency keys, rate-limit budgets and Ops Manager 429 pauses shared through a real Redis by
# two gateway processes (test/redis/).
# Installs Debian's redis-server when missing; each test file starts its own server on a free
# loopback port (no persistence) and stops it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib/ensure-debian-package.sh
ensure_debian_package redis-server redis-server
exec npx vitest run --config test/redis/vitest.config.ts "$@"
