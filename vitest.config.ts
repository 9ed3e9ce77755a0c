import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // graphql 16 ships a CJS and an ESM build. Node (and so Pothos and Yoga, which vitest
    // leaves to Node) loads the CJS one; without this, vite would hand our own files the
    // ESM one and the schema would mix two "realms" of graphql.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    // After each file: no log line of any test's stack contains a secret a test used.
    setupFiles: ['test/secrets-sweep.ts'],
    // The Apache interop, the Redis and the scale-out suites need Debian packages installed, and run
    // under their own scripts (npm run test:interop, test:redis, test:scale), which install them.
    exclude: ['test/interop/**', 'test/redis/**', 'test/scale/**', 'node_modules/**'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
