/**
 * Builds the package into dist/ (not committed; run by `prepare` on npm install/ci and by the
 * gateway's `npm test`):
 * 1. tsup: ESM (.js) and CommonJS (.cjs) JavaScript;
 * 2. the tsc CLI: .d.ts declarations (for `import`);
 * 3. a .d.cts twin of each .d.ts whose relative imports name .cjs (for `require`: TypeScript
 *    reads a .d.ts beside "type": "module" as ESM, so CommonJS callers need their own);
 * 4. persisted-documents.json, the trusted-documents manifest, copied from what codegen wrote.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const run = (command, args) => execFileSync(command, args, { cwd: root, stdio: 'inherit' });

rmSync(dist, { recursive: true, force: true });
// The binaries come from this workspace's node_modules/.bin or the repository root's: npm
// puts both on PATH for a script.
run('tsup', ['--silent']);
run('tsc', ['-p', 'tsconfig.json']);

for (const file of readdirSync(dist, { recursive: true, encoding: 'utf8' })) {
  if (!file.endsWith('.d.ts')) continue;
  const text = readFileSync(join(dist, file), 'utf8');
  const cjs = text
    .replace(/(from\s+['"]\.{1,2}\/[^'"]*?)\.js(['"])/g, '$1.cjs$2')
    .replace(/(import\(['"]\.{1,2}\/[^'"]*?)\.js(['"]\))/g, '$1.cjs$2');
  writeFileSync(join(dist, file.replace(/\.d\.ts$/, '.d.cts')), cjs);
}
copyFileSync(join(root, 'src/generated/persisted-documents.json'), join(root, 'persisted-documents.json'));
