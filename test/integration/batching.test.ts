import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generatedInvitationId, generatedProjectId, generatedUsername } from '../../src/simulator/demo-data.ts';
import { concurrencyProbe, LIST_ROUTE, type Stack, startStack } from './stack.ts';

const PROJECTS = 10;

/**
 * 30 aliases over 10 projects, mixing the three read paths (the whole list, a username
 * filter, one invitation by id) and both entry points (project and projects).
 */
function thirtyAliasOperation(): string {
  const fields: string[] = [];
  for (let alias = 0; alias < 30; alias += 1) {
    const p = alias % PROJECTS;
    const id = generatedProjectId(p);
    const kind = Math.floor(alias / PROJECTS);
    if (kind === 0) fields.push(`a${alias}: project(id: "${id}") { invitations { id roles } }`);
    if (kind === 1)
      fields.push(
        `a${alias}: project(id: "${id}") { invitations(username: "${generatedUsername(p, 1).toUpperCase()}") { id } }`,
      );
    if (kind === 2)
      fields.push(
        `a${alias}: projects(ids: ["${id}"]) { invitation(id: "${generatedInvitationId(p, 2)}") { id username } }`,
      );
  }
  return `query ThirtyAliases { ${fields.join('\n')} }`;
}

describe('batching: one upstream GET per distinct project per operation', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ simulator: { seed: { projects: 60, invitationsPerProject: 5 } } });
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.simulator.counters.reset());

  it('30 aliases over 10 projects cost 10 GETs, one per project', async () => {
    const result = await stack.execute(thirtyAliasOperation());
    expect(result.errors).toBeUndefined();
    const data = result.data as Record<string, unknown>;
    expect(Object.keys(data)).toHaveLength(30);
    expect(data.a10).toEqual({ invitations: [{ id: generatedInvitationId(0, 1) }] });
    expect(data.a20).toEqual([{ invitation: { id: generatedInvitationId(0, 2), username: generatedUsername(0, 2) } }]);

    const { byPath, byRoute } = stack.simulator.counters.snapshot();
    expect(byRoute[LIST_ROUTE]).toBe(PROJECTS);
    // Each project exactly once, and no other route touched.
    for (let p = 0; p < PROJECTS; p += 1) {
      expect(byPath[`GET /api/public/v1.0/groups/${generatedProjectId(p)}/invites`]).toBe(1);
    }
    expect(Object.keys(byRoute)).toEqual([LIST_ROUTE]);
  });

  it('the same operation sent again costs the same again: loaders live for one operation only', async () => {
    await stack.execute(thirtyAliasOperation());
    await stack.execute(thirtyAliasOperation());
    expect(stack.upstreamCalls(LIST_ROUTE)).toBe(2 * PROJECTS);
  });

  it('projects(ids) for 50 projects costs 50 GETs', async () => {
    const ids = Array.from({ length: 50 }, (_, i) => `"${generatedProjectId(i)}"`);
    const result = await stack.execute(`{ projects(ids: [${ids.join(',')}]) { id invitations { id } } }`);
    expect(result.errors).toBeUndefined();
    expect((result.data as { projects: unknown[] }).projects).toHaveLength(50);
    expect(stack.upstreamCalls(LIST_ROUTE)).toBe(50);
  });

  it('a project named but never asked for its invitations costs nothing', async () => {
    const result = await stack.execute(`{ project(id: "${generatedProjectId(3)}") { id } }`);
    expect(result.data).toEqual({ project: { id: generatedProjectId(3) } });
    expect(stack.simulator.counters.snapshot().requests).toBe(0);
  });
});

describe('the in-flight cap', () => {
  it('never lets more upstream requests run at once than configured', async () => {
    let probe: ReturnType<typeof concurrencyProbe> | undefined;
    const stack = await startStack({
      maxInFlight: 3,
      simulator: { seed: { projects: 12, invitationsPerProject: 1 }, latencyMs: 30 },
      wrapTransport: (fetch) => (probe = concurrencyProbe(fetch)).fetch,
    });
    try {
      const ids = Array.from({ length: 12 }, (_, i) => `"${generatedProjectId(i)}"`);
      const result = await stack.execute(`{ projects(ids: [${ids.join(',')}]) { invitations { id } } }`);
      expect(result.errors).toBeUndefined();
      // 12 loads are queued at once; the cap lets exactly 3 onto the wire at a time.
      expect(probe!.max()).toBe(3);
      expect(stack.upstreamCalls(LIST_ROUTE)).toBe(12);
    } finally {
      await stack.close();
    }
  });
});
