import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generatedProjectId, generatedUsername } from '../../src/simulator/demo-data.ts';
import { concurrencyProbe, LIST_ROUTE } from '../integration/stack.ts';
import { type FederatedStack, startFederatedStack } from './federated-stack.ts';
import { catalogName } from './company-subgraph.ts';

const INVITATIONS_PER_PROJECT = 2;

/** The usernames the simulator seeded for the project with this index, sorted. */
function seededUsernames(projectIndex: number): string[] {
  return Array.from({ length: INVITATIONS_PER_PROJECT }, (_, j) => generatedUsername(projectIndex, j)).sort();
}

function catalogQuery(ids: readonly string[]): string {
  return `{ catalog(ids: ${JSON.stringify(ids)}) { id name invitations { username } } }`;
}

interface CatalogEntry {
  id: string;
  name: string;
  invitations: Array<{ username: string }> | null;
}

/** 40 positions over 25 distinct projects: 0..24, then 0..14 again. */
const FORTY_WITH_REPEATS = Array.from({ length: 40 }, (_, i) => i % 25);

describe('through Hive Gateway: a supergraph of the company subgraph and ours', () => {
  let stack: FederatedStack;
  beforeAll(async () => {
    stack = await startFederatedStack({ seed: { projects: 30, invitationsPerProject: INVITATIONS_PER_PROJECT } });
  });
  afterAll(() => stack?.close());
  beforeEach(() => {
    stack.simulator.faults.clear();
    stack.simulator.counters.reset();
    stack.subgraphRequests.length = 0;
    stack.routerFetches.length = 0;
  });

  it('answers names from the company and invitations from us, one GET per project', async () => {
    const ids = [0, 1, 2].map(generatedProjectId);
    const result = await stack.query(catalogQuery(ids));
    expect(result.errors).toBeUndefined();
    const catalog = result.data!.catalog as CatalogEntry[];
    expect(catalog.map((project) => project.name)).toEqual(ids.map(catalogName));
    expect(catalog.map((project) => project.invitations!.map((i) => i.username).sort())).toEqual([0, 1, 2].map(seededUsernames));

    const { byRoute, byPath } = stack.simulator.counters.snapshot();
    expect(byRoute).toEqual({ [LIST_ROUTE]: 3 });
    for (const id of ids) expect(byPath[`GET /api/public/v1.0/groups/${id}/invites`]).toBe(1);
  });

  it('40 project representations, 25 distinct, cost 25 GETs', async () => {
    const ids = FORTY_WITH_REPEATS.map(generatedProjectId);
    const result = await stack.query(catalogQuery(ids));
    expect(result.errors).toBeUndefined();
    const catalog = result.data!.catalog as CatalogEntry[];
    expect(catalog).toHaveLength(40);
    expect(catalog.map((project) => project.invitations!.map((i) => i.username).sort())).toEqual(FORTY_WITH_REPEATS.map(seededUsernames));
    expect(stack.simulator.counters.snapshot().byRoute).toEqual({ [LIST_ROUTE]: 25 });
  });

  it('works the other way too: projects from us, names from the company', async () => {
    const ids = [3, 4].map(generatedProjectId);
    const result = await stack.query(`{ projects(ids: ${JSON.stringify(ids)}) { name invitations { username } } }`);
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      projects: [3, 4].map((p) => ({
        name: catalogName(generatedProjectId(p)),
        invitations: expect.arrayContaining(seededUsernames(p).map((username) => ({ username }))),
      })),
    });
    expect(stack.simulator.counters.snapshot().byRoute).toEqual({ [LIST_ROUTE]: 2 });
  });

  it('one failing project is a partial result with its code; the others answer', async () => {
    const [healthy, failing, other] = [5, 6, 7].map(generatedProjectId) as [string, string, string];
    // Persistent: the client retries a GET that meets 503, and must meet it again.
    stack.simulator.faults.inject({ kind: 'status', status: 503 }, { match: { groupId: failing }, times: Infinity });
    const result = await stack.query(catalogQuery([healthy, failing, other]));

    const catalog = result.data!.catalog as CatalogEntry[];
    expect(catalog.map((project) => project.name)).toEqual([healthy, failing, other].map(catalogName));
    expect(catalog[0]!.invitations).toHaveLength(INVITATIONS_PER_PROJECT);
    expect(catalog[1]!.invitations).toBeNull();
    expect(catalog[2]!.invitations).toHaveLength(INVITATIONS_PER_PROJECT);
    expect(result.errors).toHaveLength(1);
    const [error] = result.errors!;
    expect(error).toMatchObject({ message: 'Ops Manager answered with a server error (503).', extensions: { code: 'UPSTREAM_UNAVAILABLE' } });
    // Our subgraph says ['_entities', 1, 'invitations'] (tested below); Hive Gateway's batch
    // delegation drops the list index when it relocates the error, so only the ends are sure.
    expect([error!.path![0], error!.path!.at(-1)]).toEqual(['catalog', 'invitations']);

    // One GET each for the healthy projects; the failing one: its first try and one retry.
    const { byPath } = stack.simulator.counters.snapshot();
    expect(byPath).toEqual({
      [`GET /api/public/v1.0/groups/${healthy}/invites`]: 1,
      [`GET /api/public/v1.0/groups/${failing}/invites`]: 2,
      [`GET /api/public/v1.0/groups/${other}/invites`]: 1,
    });
  });

  it('passes the caller’s Authorization and x-request-id on to our subgraph', async () => {
    const headers = { authorization: 'Bearer caller-token-42', 'x-request-id': 'req-federation-7' };
    const result = await stack.query(catalogQuery([generatedProjectId(8)]), headers);
    expect(result.errors).toBeUndefined();
    expect(stack.subgraphRequests).toHaveLength(1);
    expect(stack.subgraphRequests[0]).toMatchObject(headers);
  });

  it('talks only to the two subgraphs on 127.0.0.1', async () => {
    await stack.query(catalogQuery([generatedProjectId(9)]));
    expect(stack.routerFetches.length).toBe(2);
    for (const url of stack.routerFetches) expect(new URL(url).hostname).toBe('127.0.0.1');
    expect(stack.routerFetches).toContain(stack.subgraphUrl);
  });
});

describe('our subgraph answering _entities directly', () => {
  let stack: FederatedStack;
  beforeAll(async () => {
    stack = await startFederatedStack({ seed: { projects: 30, invitationsPerProject: INVITATIONS_PER_PROJECT } });
  });
  afterAll(() => stack?.close());
  beforeEach(() => {
    stack.simulator.faults.clear();
    stack.simulator.counters.reset();
  });

  async function entities(representations: unknown[]) {
    const response = await fetch(stack.subgraphUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Project { id invitations { username } } } }',
        variables: { r: representations },
      }),
    });
    return (await response.json()) as {
      data: { _entities: Array<{ id: string; invitations: Array<{ username: string }> | null } | null> };
      errors?: Array<{ path: unknown[]; extensions: { code: string } }>;
    };
  }

  it('40 representations, repeats in either case, cost one GET per distinct project', async () => {
    // The router usually sends each representation once; the loader must not rely on it.
    const representations = FORTY_WITH_REPEATS.map((p, i) => {
      const id = generatedProjectId(p);
      return { __typename: 'Project', id: i >= 25 && i % 2 === 0 ? id.toUpperCase() : id };
    });
    const { data, errors } = await entities(representations);
    expect(errors).toBeUndefined();
    expect(data._entities.map((project) => project!.id)).toEqual(FORTY_WITH_REPEATS.map(generatedProjectId));
    expect(data._entities.map((project) => project!.invitations!.map((i) => i.username).sort())).toEqual(
      FORTY_WITH_REPEATS.map(seededUsernames),
    );
    expect(stack.simulator.counters.snapshot().byRoute).toEqual({ [LIST_ROUTE]: 25 });
  });

  it('a project Ops Manager fails for answers null with its code at its own path', async () => {
    stack.simulator.faults.inject({ kind: 'status', status: 503 }, { match: { groupId: generatedProjectId(2) }, times: Infinity });
    const { data, errors } = await entities([2, 3].map((p) => ({ __typename: 'Project', id: generatedProjectId(p) })));
    expect(data._entities.map((project) => project!.invitations?.length ?? null)).toEqual([null, INVITATIONS_PER_PROJECT]);
    expect(errors).toMatchObject([{ path: ['_entities', 0, 'invitations'], extensions: { code: 'UPSTREAM_UNAVAILABLE' } }]);
  });

  it('a representation with a malformed id fails alone, as BAD_USER_INPUT, with no GET for it', async () => {
    const { data, errors } = await entities([
      { __typename: 'Project', id: 'not-an-object-id' },
      { __typename: 'Project', id: generatedProjectId(1) },
    ]);
    expect(data._entities[0]).toBeNull();
    expect(data._entities[1]!.id).toBe(generatedProjectId(1));
    expect(errors).toMatchObject([{ path: ['_entities', 0], extensions: { code: 'BAD_USER_INPUT' } }]);
    expect(stack.simulator.counters.snapshot().byRoute).toEqual({ [LIST_ROUTE]: 1 });
  });
});

describe('the in-flight cap holds under _entities', () => {
  it('40 distinct projects through the router with a cap of 4: 40 GETs, never more than 4 at once', async () => {
    let probe: ReturnType<typeof concurrencyProbe> | undefined;
    const stack = await startFederatedStack({
      seed: { projects: 40, invitationsPerProject: 1 },
      maxInFlight: 4,
      wrapTransport: (fetch) => (probe = concurrencyProbe(fetch)).fetch,
    });
    try {
      const ids = Array.from({ length: 40 }, (_, p) => generatedProjectId(p));
      const result = await stack.query(catalogQuery(ids));
      expect(result.errors).toBeUndefined();
      expect(stack.simulator.counters.snapshot().byRoute).toEqual({ [LIST_ROUTE]: 40 });
      // Measured under the Digest client, so challenge round trips count too.
      expect(probe!.max()).toBeGreaterThan(1);
      expect(probe!.max()).toBeLessThanOrEqual(4);
    } finally {
      await stack.close();
    }
  });
});
