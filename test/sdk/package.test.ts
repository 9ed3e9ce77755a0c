/**
 * The client package as npm would publish it, from the built workspace (npm test builds it
 * first): every file its `exports` names exists, `require` and `import` see the same exports,
 * and the tarball holds only what ships. The full check, installed into fresh apps, is
 * `npm run test:consumers`.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const CLIENT_DIR = join(import.meta.dirname, '../../packages/client');
const manifest = JSON.parse(readFileSync(join(CLIENT_DIR, 'package.json'), 'utf8')) as {
  exports: Record<string, string | Record<string, Record<string, string>>>;
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
};
const require = createRequire(import.meta.url);

function targets(entry: string | Record<string, Record<string, string>>): string[] {
  return typeof entry === 'string' ? [entry] : Object.values(entry).flatMap((condition) => Object.values(condition));
}

describe('the client package', () => {
  it('has every file its exports name, with types for import (.d.ts) and require (.d.cts)', () => {
    const files = Object.values(manifest.exports).flatMap(targets);
    expect(files.filter((file) => !existsSync(join(CLIENT_DIR, file)))).toEqual([]);
    expect(files.filter((file) => file.endsWith('.d.cts'))).toHaveLength(3);
    expect(files.filter((file) => file.endsWith('.d.ts'))).toHaveLength(3);
  });

  it.each([
    'ops-manager-invitations-client',
    'ops-manager-invitations-client/documents',
    'ops-manager-invitations-client/possible-types',
  ])('%s: require() and import() give the same exports', async (specifier) => {
    const required = require(specifier) as Record<string, unknown>;
    const imported = (await import(specifier)) as Record<string, unknown>;
    expect(Object.keys(required).sort()).toEqual(Object.keys(imported).sort());
    expect(Object.keys(required).length).toBeGreaterThan(0);
  });

  it('depends on graphql-request and the typed-document types only, with graphql as a peer', () => {
    expect(Object.keys(manifest.dependencies).sort()).toEqual(['@graphql-typed-document-node/core', 'graphql-request']);
    expect(Object.keys(manifest.peerDependencies)).toEqual(['graphql']);
  });

  it('packs dist, the schema, the manifest, the README and package.json only', async () => {
    const { stdout } = await promisify(execFile)('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: CLIENT_DIR,
    });
    const [{ files }] = JSON.parse(stdout) as [{ files: { path: string }[] }];
    const paths = files.map((file) => file.path);
    expect(
      paths.filter(
        (path) =>
          !/^(dist\/.+\.(c?js|d\.c?ts)|schema\.graphql|persisted-documents\.json|README\.md|package\.json)$/.test(path),
      ),
    ).toEqual([]);
    expect(paths).toEqual(
      expect.arrayContaining([
        'dist/index.js',
        'dist/index.cjs',
        'dist/index.d.ts',
        'dist/index.d.cts',
        'schema.graphql',
        'persisted-documents.json',
      ]),
    );
  }, 30_000);
});
