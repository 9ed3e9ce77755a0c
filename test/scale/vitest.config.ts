import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

// Runs under scripts/test-scale.sh, which installs Debian's haproxy and redis-server when they are
// missing and builds dist/ (the replicas run the production build). Long tests: a rolling restart
// of three replicas under load on a shared machine.
export default defineConfig({
  resolve: {
    // As in the main config: one graphql realm for the files of this repository.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['test/scale/**/*.test.ts'],
    setupFiles: ['test/secrets-sweep.ts'],
    testTimeout: 300_000,
    hookTimeout: 120_000,
  },
});
