import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

/**
 * The browser suite: headless Chromium against GraphiQL. Run by scripts/test-browser.sh, which
 * makes sure Chromium is installed. Its files end in .browser.ts so that the default suite
 * (test/**\/*.test.ts) never needs a browser.
 */
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  resolve: {
    // As in the root vitest.config.ts: one graphql realm, the CJS build Node gives Pothos and Yoga.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['test/browser/**/*.browser.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
