import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generatedProjectId, generatedUsername } from '../../src/simulator/demo-data.ts';
import { concurrencyProbe, LIST_ROUTE } from '../integration/stack.ts';
import { ORGANIZATIONS_SHAPE } from './company-shapes.ts';
import { catalogName, catalogOf } from './company-server.ts';
import { type FederatedStack, startFederatedStack } from './federated-stack.ts';

const INVITATIONS_PER_PROJECT = 2;

/** The usernames the simulator seeded for the project with this index, sorted. */
function seededUsernames(projectIndex: number): string[] {
  return Array.from({ length: INVITATIONS_PER_PROJECT }, (_, j) => generatedUsername(projectIndex, j)).sort();
}

/** What a client of the supergraph asks: the company's projects, with our invitations. */
const PROJECTS_QUERY = '{ projects { id name invitations { username roles } } }';

interface CatalogEntry {
  id: string;
  name: string;
  invitations: Array<{ username: string; roles: string[] }> | null;
}

/** 40 positions over 25 distinct projects: 0..24, then 0..14 again. */
const FORTY_WITH_REPEATS = Array.from({ length: 40 }, (_, i) => i % 25);

const usernames = (project: CatalogEntry) => project.invitations!.map((i) => i.username).sort();
const indexes = (count: number) => Array.from({ length: count }, (_, p) => p);

describe('through Hive Gateway: the company projects subgraph (shape a) and ours', () => {
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
    stack.catalog.projects = catalogOf(25).projects;
  });

  it('the company returns 25 projects: one _entities request to us, 25 Ops Manager GETs', async () => {
    const result = await stack.query(PROJECTS_QUERY);
    expect(result.errors).toBeUndefined();
    const projects = result.data!.projects as CatalogEntry[];
    expect(projects.map((project) => project.name)).toEqual(indexes(25).map((p) => catalogName(generatedProjectId(p))));
    expect(projects.map(usernames)).toEqual(indexes(25).map(seededUsernames));
    expect(projects[0]!.invitations![0]!.roles.length).toBeGreaterThan(0);

    const toUs = stack.requestsToUs();
    expect(toUs).toHaveLength(1);
    expect(toUs[0]!.query).toContain('_entities(representations:');
    expect(toUs[0]!.variables!.representations).toHaveLength(25);
    const { byRoute, byPath } = stack.simulator.counters.snapshot();
    expect(byRoute).toEqual({ [LIST_ROUTE]: 25 });
    for (const p of indexes(25)) expect(byPath[`GET /api/public/v1.0/groups/${generatedProjectId(p)}/invites`]).toBe(1);
  });

  it('a company project whose id is not 24 hex: its invitations null with BAD_USER_INPUT, the others answer, no GET for it', async () => {
    const [first, second] = [0, 1].map(generatedProjectId) as [string, string];
    stack.catalog.projects = [
      { id: first, name: catalogName(first), organizationId: 'org-0' },
      { id: 'legacy-4711', name: 'Legacy project', organizationId: 'org-0' },
      { id: second, name: catalogName(second), organizationId: 'org-0' },
    ];
    const result = await stack.query(PROJECTS_QUERY);
    const projects = result.data!.projects as CatalogEntry[];
    expect(projects.map((project) => project.name)).toEqual([
      catalogName(first),
      'Legacy project',
      catalogName(second),
    ]);
    expect(projects[1]!.invitations).toBeNull();
    expect(usernames(projects[0]!)).toEqual(seededUsernames(0));
    expect(usernames(projects[2]!)).toEqual(seededUsernames(1));
    expect(result.errors).toHaveLength(1);
    const [error] = result.errors!;
    expect(error!.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(error!.message).toMatch(/not an Ops Manager project id/);
    // Our subgraph says ['_entities', 1, 'invitations'] (tested below); Hive Gateway drops
    // the list index when it relocates an entity's error, so only the ends are sure.
    expect([error!.path![0], error!.path!.at(-1)]).toEqual(['projects', 'invitations']);
    expect(stack.simulator.counters.snapshot().byRoute).toEqual({ [LIST_ROUTE]: 2 });
  });

  it('one project Ops Manager fails for is a partial result with its code; the others answer', async () => {
    const [healthy, failing, other] = [5, 6, 7].map(generatedProjectId) as [string, string, string];
    stack.catalog.projects = catalogOf(8).projects.slice(5);
    // Persistent: the client retries a GET that meets 503, and must meet it again.
    stack.simulator.faults.inject({ kind: 'status', status: 503 }, { match: { groupId: failing }, times: Infinity });
    const result = await stack.query(PROJECTS_QUERY);

    const projects = result.data!.projects as CatalogEntry[];
    expect(projects.map((project) => project.name)).toEqual([healthy, failing, other].map(catalogName));
    expect(projects[0]!.invitations).toHaveLength(INVITATIONS_PER_PROJECT);
    expect(projects[1]!.invitations).toBeNull();
    expect(projects[2]!.invitations).toHaveLength(INVITATIONS_PER_PROJECT);
    expect(result.errors).toHaveLength(1);
    const [error] = result.errors!;
    expect(error).toMatchObject({
      message: 'Ops Manager answered with a server error (503).',
      extensions: { code: 'UPSTREAM_UNAVAILABLE' },
    });
    expect([error!.path![0], error!.path!.at(-1)]).toEqual(['projects', 'invitations']);

    // One GET each for the healthy projects; the failing one: its first try and one retry.
    const { byPath } = stack.simulator.counters.snapshot();
    expect(byPath).toEqual({
      [`GET /api/public/v1.0/groups/${healthy}/invites`]: 1,
      [`GET /api/public/v1.0/groups/${failing}/invites`]: 2,
      [`GET /api/public/v1.0/groups/${other}/invites`]: 1,
    });
  });

  it('from the company’s project(id:) to our invitation(id:), one GET', async () => {
    const id = generatedProjectId(3);
    const result = await stack.query(
      `{ project(id: "${id}") { name invitations(username: "${generatedUsername(3, 1)}") { username } } }`,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      project: { name: catalogName(id), invitations: [{ username: generatedUsername(3, 1) }] },
    });
    expect(stack.simulator.counters.snapshot().byRoute).toEqual({ [LIST_ROUTE]: 1 });
  });

  it('works the other way too: our mutation’s project gets its name from the company', async () => {
    const id = generatedProjectId(4);
    const result = await stack.query(
      `mutation { opsManagerCreateInvitation(projectId: "${id}", username: "new.user@example.com", roles: [GROUP_READ_ONLY]) {
        __typename ... on OpsManagerInvitationCreated { invitation { username project { id name } } } } }`,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      opsManagerCreateInvitation: {
        __typename: 'OpsManagerInvitationCreated',
        invitation: { username: 'new.user@example.com', project: { id, name: catalogName(id) } },
      },
    });
    expect(stack.simulator.counters.snapshot().byRoute).toEqual({ 'POST /groups/{groupId}/invites': 1 });
    // The project's name came from the company subgraph, through its _entities.
    const toCompany = stack.routerFetches.filter(({ url }) => url !== stack.subgraphUrl);
    expect(toCompany).toHaveLength(1);
    expect(toCompany[0]!.body).toContain('_entities');
  });

  it('passes the caller’s Authorization and x-request-id on to our subgraph', async () => {
    stack.catalog.projects = catalogOf(9).projects.slice(8);
    const headers = { authorization: 'Bearer caller-token-42', 'x-request-id': 'req-federation-7' };
    const result = await stack.query(PROJECTS_QUERY, headers);
    expect(result.errors).toBeUndefined();
    expect(stack.subgraphRequests).toHaveLength(1);
    expect(stack.subgraphRequests[0]).toMatchObject(headers);
  });

  it('talks only to the two subgraphs on 127.0.0.1', async () => {
    stack.catalog.projects = catalogOf(10).projects.slice(9);
    await stack.query(PROJECTS_QUERY);
    expect(stack.routerFetches.length).toBe(2);
    for (const { url } of stack.routerFetches) expect(new URL(url).hostname).toBe('127.0.0.1');
    expect(stack.routerFetches.map(({ url }) => url)).toContain(stack.subgraphUrl);
  });
});

describe('through Hive Gateway: the company organizations subgraph (shape b) and ours', () => {
  let stack: FederatedStack;
  beforeAll(async () => {
    stack = await startFederatedStack({
      company: ORGANIZATIONS_SHAPE,
      catalog: catalogOf(12, 3),
      seed: { projects: 12, invitationsPerProject: INVITATIONS_PER_PROJECT },
    });
  });
  afterAll(() => stack?.close());

  it('two levels down, organizations → projects → invitations: one _entities request to us, 12 GETs', async () => {
    const result = await stack.query('{ organizations { name projects { name invitations { username } } } }');
    expect(result.errors).toBeUndefined();
    const organizations = result.data!.organizations as Array<{ name: string; projects: CatalogEntry[] }>;
    expect(organizations.map((org) => org.name)).toEqual(['Organization 0', 'Organization 1', 'Organization 2']);
    organizations.forEach((org, o) => {
      const members = indexes(12).filter((p) => p % 3 === o);
      expect(org.projects.map((project) => project.name)).toEqual(
        members.map((p) => catalogName(generatedProjectId(p))),
      );
      expect(org.projects.map(usernames)).toEqual(members.map(seededUsernames));
    });
    const toUs = stack.requestsToUs();
    expect(toUs).toHaveLength(1);
    expect(toUs[0]!.variables!.representations).toHaveLength(12);
    expect(stack.simulator.counters.snapshot().byRoute).toEqual({ [LIST_ROUTE]: 12 });
  });

  it('and back up: an invitation’s project’s organization comes from the company', async () => {
    const id = generatedProjectId(7);
    const result = await stack.query(
      `mutation { opsManagerCreateInvitation(projectId: "${id}", username: "org.user@example.com", roles: [GROUP_OWNER]) {
        ... on OpsManagerInvitationCreated { invitation { project { name organization { name } } } } } }`,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      opsManagerCreateInvitation: {
        invitation: { project: { name: catalogName(id), organization: { name: 'Organization 1' } } },
      },
    });
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
        query:
          'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Project { id invitations { username } } } }',
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
    stack.simulator.faults.inject(
      { kind: 'status', status: 503 },
      { match: { groupId: generatedProjectId(2) }, times: Infinity },
    );
    const { data, errors } = await entities([2, 3].map((p) => ({ __typename: 'Project', id: generatedProjectId(p) })));
    expect(data._entities.map((project) => project!.invitations?.length ?? null)).toEqual([
      null,
      INVITATIONS_PER_PROJECT,
    ]);
    expect(errors).toMatchObject([
      { path: ['_entities', 0, 'invitations'], extensions: { code: 'UPSTREAM_UNAVAILABLE' } },
    ]);
  });

  it('a representation with a malformed id resolves, its invitations fail alone as BAD_USER_INPUT, with no GET for it', async () => {
    const { data, errors } = await entities([
      { __typename: 'Project', id: 'not-an-object-id' },
      { __typename: 'Project', id: generatedProjectId(1) },
      { __typename: 'Project', id: 42 },
    ]);
    // The company's graph has these projects: the entity stands, only our field on it fails.
    expect(data._entities.map((project) => project!.id)).toEqual(['not-an-object-id', generatedProjectId(1), '42']);
    expect(data._entities.map((project) => project!.invitations?.length ?? null)).toEqual([
      null,
      INVITATIONS_PER_PROJECT,
      null,
    ]);
    expect(errors).toMatchObject([
      { path: ['_entities', 0, 'invitations'], extensions: { code: 'BAD_USER_INPUT' } },
      { path: ['_entities', 2, 'invitations'], extensions: { code: 'BAD_USER_INPUT' } },
    ]);
    expect(stack.simulator.counters.snapshot().byRoute).toEqual({ [LIST_ROUTE]: 1 });
  });
});

describe('the in-flight cap holds under _entities', () => {
  it('40 distinct projects through the router with a cap of 4: 40 GETs, never more than 4 at once', async () => {
    let probe: ReturnType<typeof concurrencyProbe> | undefined;
    const stack = await startFederatedStack({
      catalog: catalogOf(40),
      seed: { projects: 40, invitationsPerProject: 1 },
      maxInFlight: 4,
      wrapTransport: (fetch) => (probe = concurrencyProbe(fetch)).fetch,
    });
    try {
      const result = await stack.query(PROJECTS_QUERY);
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
