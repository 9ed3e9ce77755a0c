#!/usr/bin/env bash
# The browser suite: headless Chromium drives GraphiQL (test/browser/*.browser.ts).
# Uses Debian's Chromium and installs it with apt when missing (needs root); no test tool
# ever downloads a browser of its own.
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/lib/ensure-debian-package.sh
[[ -n "${CHROMIUM_PATH:-}" ]] || ensure_debian_package chromium chromium

npx vitest run --config test/browser/vitest.config.ts
