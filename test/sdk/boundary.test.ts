/**
 * Frontends bundle the SDK, so it must not pull in gateway code (Yoga, Pothos, the Ops Manager
 * client, the simulator) or Node built-ins: it may import graphql-request, the typed-document
 * types, and its own files only.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const SDK_DIR = join(import.meta.dirname, '../../src/sdk');
const ALLOWED_PACKAGES = new Set(['graphql-request', '@graphql-typed-document-node/core']);

function importsOf(source: string): string[] {
  return [...source.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]/g)].map((match) => match[1]!);
}

describe('the SDK’s imports', () => {
  const files = readdirSync(SDK_DIR, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts'));

  it('finds the SDK, its generated documents and their imports', () => {
    expect(files).toEqual(expect.arrayContaining(['index.ts', 'errors.ts', join('generated', 'graphql.ts')]));
    expect(importsOf(readFileSync(join(SDK_DIR, 'index.ts'), 'utf8'))).toEqual(
      expect.arrayContaining(['graphql-request', '@graphql-typed-document-node/core', './errors.ts', './generated/graphql.ts']),
    );
  });

  it('stay inside src/sdk or in the allowed packages', () => {
    const offending = files.flatMap((file) =>
      importsOf(readFileSync(join(SDK_DIR, file), 'utf8'))
        .filter((specifier) => (specifier.startsWith('.') ? specifier.startsWith('../') : !ALLOWED_PACKAGES.has(specifier)))
        .map((specifier) => `${file}: ${specifier}`),
    );
    expect(offending).toEqual([]);
  });
});
