import { readFileSync } from 'node:fs';
import { composeServices } from '@theguild/federation-composition';
import { type DocumentNode, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { printedSubgraphSchema } from '../../src/schema/print.ts';
import { COMPANY_SUBGRAPH_SDL } from './company-subgraph.ts';
import { composeSupergraph, PINNED_URLS, SUPERGRAPH_FILE } from './supergraph.ts';

/** `Type` and `Type.field` of every definition in a subgraph, with its description. */
function describedElements(document: DocumentNode): Map<string, string | undefined> {
  const elements = new Map<string, string | undefined>();
  for (const definition of document.definitions) {
    if (!('name' in definition) || definition.name === undefined || !('description' in definition)) continue;
    const typeName = definition.name.value;
    elements.set(typeName, definition.description?.value);
    if ('fields' in definition) {
      for (const field of definition.fields ?? []) elements.set(`${typeName}.${field.name.value}`, field.description?.value);
    }
  }
  return elements;
}

describe('composition with a company subgraph that owns Project { id name }', () => {
  const ours = parse(printedSubgraphSchema());
  const company = parse(COMPANY_SUBGRAPH_SDL);

  it('composes without errors', () => {
    const result = composeServices([
      { name: 'invitations', url: PINNED_URLS.invitations, typeDefs: ours },
      { name: 'company', url: PINNED_URLS.company, typeDefs: company },
    ]);
    expect(result.errors).toBeUndefined();
    // The public API: Project gets its name from the company and its invitations from us.
    expect(result.publicSdl).toMatch(/type Project \{[^}]*\bid: ObjectID!/);
    expect(result.publicSdl).toMatch(/type Project \{[^}]*\bname: String!/);
    expect(result.publicSdl).toMatch(/type Project \{[^}]*\binvitations\(/);
    expect(result.publicSdl).not.toMatch(/_entities|_service|_Any/);
  });

  it('leaves no two subgraphs describing a shared element differently (what composition hints would flag)', () => {
    // @theguild/federation-composition reports errors but no hints; the hint that matters
    // here is an inconsistent description, where the supergraph would keep one at random.
    const mine = describedElements(ours);
    const theirs = describedElements(company);
    const shared = [...theirs.keys()].filter((name) => mine.has(name)).sort();
    expect(shared).toEqual(['ObjectID', 'Project', 'Project.id', 'Query']);
    const conflicting = shared.filter((name) => mine.get(name) && theirs.get(name) && mine.get(name) !== theirs.get(name));
    expect(conflicting).toEqual([]);
  });

  it('joins Project on its id in both subgraphs', () => {
    const supergraph = composeSupergraph();
    expect(supergraph).toContain('type Project @join__type(graph: COMPANY, key: "id") @join__type(graph: INVITATIONS, key: "id")');
    expect(supergraph).toMatch(/invitations\([^)]*\): \[Invitation!\] @join__field\(graph: INVITATIONS\)/);
    expect(supergraph).toContain('name: String! @join__field(graph: COMPANY)');
    // Invitation is no entity: only our subgraph resolves it, and only through a Project.
    expect(supergraph).toContain('type Invitation @join__type(graph: INVITATIONS) {');
  });

  it('is the checked-in supergraph (after a schema change: npx tsx test/federation/write-supergraph.ts)', () => {
    expect(readFileSync(SUPERGRAPH_FILE, 'utf8')).toBe(composeSupergraph());
  });
});
