import { defineConfig } from 'vitest/config';

// Runs under scripts/test-redis.sh, which installs Debian's redis-server when it is missing.
// Each file starts its own redis-server on a free loopback port and stops it.
export default defineConfig({
  test: {
    include: ['test/redis/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
