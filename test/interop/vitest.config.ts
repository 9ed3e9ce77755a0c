import { defineConfig } from 'vitest/config';

// Runs only under scripts/interop-apache.sh, which starts Apache and passes its address in env.
export default defineConfig({
  test: {
    include: ['test/interop/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 30_000,
  },
});
