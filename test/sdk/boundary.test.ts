/**
 * Frontends bundle the client package, so it must not pull in gateway code (Yoga, Pothos, the
 * Ops Manager client, the simulator) or Node built-ins: it may import graphql-request, the
 * typed-document types, and its own files only, each named with its .js extension (what Node
 * and TypeScript's nodenext resolution need of a published package).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

const SDK_DIR = join(import.meta.dirname, '../../packages/client/src');
const ALLOWED_PACKAGES = new Set(['graphql-request', '@graphql-typed-document-node/core']);

function importsOf(source: string): string[] {
  return [...source.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]/g)].map(
    (match) => match[1]!,
  );
}

describe('the client package’s imports', () => {
  const files = readdirSync(SDK_DIR, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts'));

  it('finds the client, its generated documents and their imports', () => {
    expect(files).toEqual(
      expect.arrayContaining(['index.ts', 'transport.ts', 'errors.ts', join('generated', 'graphql.ts')]),
    );
    expect(importsOf(readFileSync(join(SDK_DIR, 'transport.ts'), 'utf8'))).toEqual(
      expect.arrayContaining(['graphql-request', '@graphql-typed-document-node/core', './errors.js']),
    );
  });

  it('stay inside the package’s src or in the allowed packages, with .js extensions', () => {
    const offending = files.flatMap((file) =>
      importsOf(readFileSync(join(SDK_DIR, file), 'utf8'))
        .filter((specifier) =>
          specifier.startsWith('.')
            ? !join(dirname(file), specifier).match(/^[^.]/) || !specifier.endsWith('.js')
            : !ALLOWED_PACKAGES.has(specifier),
        )
        .map((specifier) => `${file}: ${specifier}`),
    );
    expect(offending).toEqual([]);
  });
});
