#!/usr/bin/env bash
# The consumer test: the client package's tarball installed into fresh apps outside the
# repository (scripts/consumers). Its Vite app runs in Debian's headless Chromium, installed
# with apt when missing (needs root); no test tool ever downloads a browser of its own.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ -z "${CHROMIUM_PATH:-}" ]] && ! command -v chromium >/dev/null 2>&1; then
  echo "chromium not found: installing Debian's chromium package" >&2
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
fi

npx tsx scripts/consumers/index.ts
