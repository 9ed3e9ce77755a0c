import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

/** The package a bare specifier names: `@scope/name` or `name`, without a subpath. */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** The packages src/ loads when it runs: static imports and re-exports that are not `import type`, and dynamic imports. */
function runtimeImports(): Set<string> {
  const found = new Set<string>();
  const statement = /^(?:import|export)\s+(type\s)?[\s\S]*?from\s+'([^']+)';?$/gm;
  const sideEffect = /^import\s+'([^']+)';?$/gm;
  const dynamic = /import\('([^']+)'\)/g;
  for (const file of sourceFiles(join(root, 'src'))) {
    const text = readFileSync(file, 'utf8');
    const specifiers = [
      ...[...text.matchAll(statement)].filter((match) => !match[1]).map((match) => match[2]!),
      ...[...text.matchAll(sideEffect)].map((match) => match[1]!),
      ...[...text.matchAll(dynamic)].map((match) => match[1]!),
    ];
    for (const specifier of specifiers) {
      if (specifier.startsWith('.') || specifier.startsWith('node:') || builtinModules.includes(specifier)) continue;
      found.add(packageOf(specifier));
    }
  }
  return found;
}

describe('runtime dependencies', () => {
  it('are exactly the packages src/ loads when it runs (test-only and type-only ones are devDependencies)', () => {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    expect([...runtimeImports()].sort()).toEqual(Object.keys(manifest.dependencies).sort());
  });
});
