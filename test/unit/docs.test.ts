import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import GithubSlugger from 'github-slugger';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES, loadConfig } from '../../src/config.ts';

const root = new URL('../../', import.meta.url);
const read = (file: string) => readFileSync(new URL(file, root), 'utf8');

/** The pages a reader follows: the front door, every page of docs/, the client's own README. */
const PAGES = [
  'README.md',
  ...readdirSync(new URL('docs/', root))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
  'packages/client/README.md',
];

/** The page's text outside fenced code blocks (a `# comment` in a shell block is not a heading). */
function prose(markdown: string): string {
  return markdown.replace(/^```[\s\S]*?^```/gm, '');
}

/** The anchors GitHub gives the page's headings (github-slugger is GitHub's own algorithm). */
function anchors(markdown: string): Set<string> {
  const slugger = new GithubSlugger();
  return new Set(
    [...prose(markdown).matchAll(/^#{1,6} (.+)$/gm)].map((match) => slugger.slug(match[1]!.replace(/`/g, ''))),
  );
}

/** Every relative link of a page: [text](target), targets that leave the repository left out. */
function relativeLinks(markdown: string): string[] {
  return [...prose(markdown).matchAll(/\]\(([^)\s]+)\)/g)]
    .map((match) => match[1]!)
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

/** The variables of the simulator's own process (src/simulator/main.ts reads them). */
const SIMULATOR_VARIABLES = new Set(
  [...read('src/simulator/main.ts').matchAll(/\bSIMULATOR_[A-Z_]+[A-Z]\b/g)].map((match) => match[0]),
);

/** Variables the benchmark reads (scripts/bench/processes.ts). */
const BENCH_VARIABLES = new Set(
  [...read('scripts/bench/processes.ts').matchAll(/\bBENCH_[A-Z_]+[A-Z]\b/g)].map((match) => match[0]),
);

/** Variables the docs set that are Node's or the machine's, not the gateway's. */
const NOT_OURS = new Set(['NODE_OPTIONS', 'MALLOC_ARENA_MAX']);

describe('the docs tell the truth about configuration', () => {
  it('the configuration page lists exactly the variables the code reads', () => {
    const documented = [...read('docs/configuration.md').matchAll(/^\| `([A-Z_]+)` \|/gm)].map((match) => match[1]);
    expect([...documented].sort()).toEqual([...CONFIG_VARIABLES].sort());
  });

  it('.env.example lists every variable, and loads as a valid configuration', () => {
    const entries = read('.env.example')
      .split('\n')
      .filter((line) => /^[A-Z_]+=/.test(line))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as const);
    expect(entries.map(([name]) => name).sort()).toEqual([...CONFIG_VARIABLES].sort());
    expect(() => loadConfig(Object.fromEntries(entries))).not.toThrow();
  });

  it.each(PAGES)('%s sets no variable the code does not read', (page) => {
    // `NAME=value` in prose or in a shell block: a setting a reader will copy.
    const set = [...read(page).matchAll(/(?<![A-Za-z0-9_])([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)=/g)].map(
      (match) => match[1]!,
    );
    const unknown = set.filter(
      (name) =>
        !CONFIG_VARIABLES.includes(name) &&
        !SIMULATOR_VARIABLES.has(name) &&
        !BENCH_VARIABLES.has(name) &&
        !NOT_OURS.has(name),
    );
    expect(unknown).toEqual([]);
  });
});

describe('the docs link to what exists', () => {
  it('the README is a front door: at most 300 lines, and it links every page of docs/', () => {
    const readme = read('README.md');
    expect(readme.split('\n').length).toBeLessThanOrEqual(300);
    const linked = new Set(relativeLinks(readme).map((target) => target.split('#')[0]));
    for (const page of PAGES.filter((page) => page.startsWith('docs/'))) expect(linked).toContain(page);
  });

  it.each(PAGES)('every relative link of %s names a file that exists, and a heading that exists', (page) => {
    const broken: string[] = [];
    for (const target of relativeLinks(read(page))) {
      const [path, anchor] = target.split('#') as [string, string | undefined];
      const file = path === '' ? new URL(page, root) : new URL(path, new URL(page, root));
      if (!existsSync(file)) {
        broken.push(`${target}: no such file`);
        continue;
      }
      if (anchor !== undefined) {
        if (statSync(file).isDirectory() || !file.pathname.endsWith('.md')) broken.push(`${target}: not a page`);
        else if (!anchors(readFileSync(file, 'utf8')).has(anchor)) broken.push(`${target}: no such heading`);
      }
    }
    expect(broken).toEqual([]);
  });
});

describe('the schema at a glance', () => {
  it('every field the README shows is in schema.graphql, with the same type and arguments', () => {
    const glance = read('README.md').match(/```graphql\n(type Query \{[\s\S]*?)```/)![1]!;
    const schema = read('schema.graphql');
    let shown = 0;
    for (const [, typeName, body] of glance.matchAll(/^type (\w+) \{\n([\s\S]*?)^\}/gm)) {
      const definition = schema.match(new RegExp(`^type ${typeName} [^{]*\\{\\n([\\s\\S]*?)^\\}`, 'm'))![1]!;
      // The printed schema puts arguments one per line, with descriptions: normalise both to `name(args): Type`.
      const fields = normalise(definition);
      for (const line of body!.split('\n').filter((line) => line.trim() !== '')) {
        const field = line.replace(/#.*$/, '').trim();
        expect(fields, `${typeName}.${field}`).toContain(normaliseField(field));
        shown += 1;
      }
    }
    expect(shown).toBeGreaterThan(15);
  });
});

function normalise(definition: string): string[] {
  const withoutDescriptions = definition.replace(/"""[\s\S]*?"""/g, '').replace(/^\s*"[^\n]*"\s*$/gm, '');
  return withoutDescriptions
    .replace(
      /\(\s*([\s\S]*?)\s*\)/g,
      (_, args: string) =>
        `(${args
          .split(/\s*\n\s*/)
          .filter(Boolean)
          .join(', ')})`,
    )
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map(normaliseField);
}

/** `name(b: X, a: Y): T` with its arguments sorted, so that the order the README chose does not matter. */
function normaliseField(field: string): string {
  const match = field.match(/^(\w+)(?:\((.*)\))?:\s*(.+)$/);
  if (!match) return field;
  const [, name, args, type] = match;
  const sorted = args
    ? `(${args
        .split(/,\s*/)
        .map((arg) => arg.replace(/\s+/g, ' ').trim())
        .sort()
        .join(', ')})`
    : '';
  return `${name}${sorted}: ${type!.trim()}`;
}
