#!/usr/bin/env bash
# The consumer test: the client package's tarball installed into fresh apps outside the
# repository (scripts/consumers). Its Vite app runs in Debian's headless Chromium, installed
# with apt when missing (needs root); no test tool ever downloads a browser of its own.
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/lib/ensure-debian-package.sh
[[ -n "${CHROMIUM_PATH:-}" ]] || ensure_debian_package chromium chromium

npx tsx scripts/consumers/index.ts
