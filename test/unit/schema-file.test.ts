import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { printedSchema, printedSubgraphSchema, SCHEMA_FILE, SUBGRAPH_FILE } from '../../src/schema/print.ts';

// Run `npm run schema` after changing the schema: it rewrites both files.
describe('checked-in schema files', () => {
  it('schema.graphql is the plain API the code builds, printed sorted', () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(printedSchema());
  });

  it('subgraph.graphql is the federation subgraph the code builds, with @link and @key', () => {
    const onDisk = readFileSync(SUBGRAPH_FILE, 'utf8');
    expect(onDisk).toBe(printedSubgraphSchema());
    expect(onDisk).toContain('@link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])');
    expect(onDisk).toMatch(/type Project\s+@key\(fields: "id"\)/);
  });
});
