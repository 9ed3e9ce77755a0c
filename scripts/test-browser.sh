#!/usr/bin/env bash
# The browser suite: headless Chromium drives GraphiQL (test/browser/*.browser.ts).
# Uses Debian's Chromium and installs it with apt when missing (needs root); no test tool
# ever downloads a browser of its own.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ -z "${CHROMIUM_PATH:-}" ]] && ! command -v chromium >/dev/null 2>&1; then
  echo "chromium not found: installing Debian's chromium package" >&2
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
fi

npx vitest run --config test/browser/vitest.config.ts
