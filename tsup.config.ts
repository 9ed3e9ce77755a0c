import { defineConfig } from 'tsup';

/**
 * The production build: `npm run build` bundles the gateway's own code from src/main.ts into
 * dist/ (ESM, Node 22 and later); every package stays an import from node_modules, so `npm ci --omit=dev`
 * is all dist/ needs beside it. The embedded simulator, imported lazily by src/server.ts, becomes
 * a chunk of its own that a deployment with an upstream never loads.
 */
export default defineConfig({
  entry: { main: 'src/main.ts' },
  outDir: 'dist',
  format: ['esm'],
  platform: 'node',
  target: 'node22',
  splitting: true,
  skipNodeModulesBundle: true,
  sourcemap: true,
  clean: true,
  removeNodeProtocol: false,
});
