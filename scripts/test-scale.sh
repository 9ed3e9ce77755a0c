#!/usr/bin/env bash
# Three gateway replicas (the production build) behind a real HAProxy, sharing a real Redis and
# one simulator, under load: a rolling restart and a SIGKILL (test/scale/). Installs Debian's
# haproxy and redis-server when missing; every port is a free loopback one.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib/ensure-debian-package.sh
ensure_debian_package haproxy haproxy
ensure_debian_package redis-server redis-server
npm run build
exec npx vitest run --config test/scale/vitest.config.ts "$@"
