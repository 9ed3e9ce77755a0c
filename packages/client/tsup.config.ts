import { defineConfig } from 'tsup';

/**
 * The JavaScript of the package: ESM (.js) and CommonJS (.cjs) per entry point. Declarations
 * come from the tsc CLI instead (scripts/build.mjs): tsup's `dts` needs TypeScript's JS API,
 * which the native TypeScript 7 compiler does not have.
 */
export default defineConfig({
  entry: { index: 'src/index.ts', documents: 'src/documents.ts', 'possible-types': 'src/possible-types.ts' },
  format: ['esm', 'cjs'],
  outExtension: ({ format }) => ({ js: format === 'cjs' ? '.cjs' : '.js' }),
  target: 'es2022',
  platform: 'neutral',
  // Shared code (the generated documents) in chunks, so the entries do not hold copies.
  splitting: true,
  treeshake: false,
  minify: false,
  sourcemap: false,
  clean: false,
  dts: false,
  external: ['graphql', 'graphql-request', '@graphql-typed-document-node/core'],
});
