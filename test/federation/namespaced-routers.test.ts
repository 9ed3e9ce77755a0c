import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generatedInvitationId, generatedProjectId, generatedUsername } from '../../src/simulator/demo-data.ts';
import { LIST_ROUTE } from '../integration/stack.ts';
import { MANY_TEAMS_SHAPE } from './clashing-shapes.ts';
import { catalogName, catalogOf } from './company-server.ts';
import { type FederatedStack, startFederatedStack } from './federated-stack.ts';

const INVITATIONS_PER_PROJECT = 2;
const PROJECTS = 20;

interface ProjectEntry {
  id: string;
  name: string;
  invitations: Array<{ username: string; roles: string[] }> | null;
}

/**
 * The company of many teams (clashing-shapes.ts, shape l: their own `Error`, `Invitation`,
 * `createInvitation`/`deleteInvitation`, `ProjectRole`, `ErrorCode`, in four subgraphs built
 * with @apollo/subgraph) and our subgraph under the default namespace, through each router.
 */
describe.each([
  ['Hive Gateway’s runtime (Guild composition)', 'hive'],
  ['Apollo’s gateway (IntrospectAndCompose, Apollo composition and query planner)', 'apollo'],
] as const)('through %s, beside a company graph that has our plain names', (_label, router) => {
  let stack: FederatedStack;
  beforeAll(async () => {
    stack = await startFederatedStack({
      router,
      company: MANY_TEAMS_SHAPE,
      catalog: catalogOf(PROJECTS),
      seed: { projects: 30, invitationsPerProject: INVITATIONS_PER_PROJECT },
    });
  });
  afterAll(() => stack?.close());
  beforeEach(() => {
    stack.simulator.faults.clear();
    stack.simulator.counters.reset();
    stack.routerFetches.length = 0;
    stack.catalog.projects = catalogOf(PROJECTS).projects;
  });

  it(`their ${PROJECTS} projects with our invitations: one _entities request to us, ${PROJECTS} GETs`, async () => {
    const result = await stack.query('{ projects { id name invitations { username roles } } }');
    expect(result.errors).toBeUndefined();
    const projects = result.data!.projects as ProjectEntry[];
    expect(projects.map((project) => project.name)).toEqual(
      stack.catalog.projects.map((project) => catalogName(project.id)),
    );
    projects.forEach((project, p) => {
      expect(project.invitations!.map((invitation) => invitation.username).sort()).toEqual(
        Array.from({ length: INVITATIONS_PER_PROJECT }, (_, j) => generatedUsername(p, j)).sort(),
      );
    });
    const toUs = stack.requestsToUs();
    expect(toUs).toHaveLength(1);
    expect(toUs[0]!.query).toContain('_entities(representations:');
    expect(toUs[0]!.variables!.representations).toHaveLength(PROJECTS);
    expect(stack.simulator.counters.snapshot().byRoute).toEqual({ [LIST_ROUTE]: PROJECTS });
  });

  it('a company project whose id is no Ops Manager id fails alone, BAD_USER_INPUT, with no GET for it', async () => {
    const [first, second] = [0, 1].map(generatedProjectId) as [string, string];
    stack.catalog.projects = [
      { id: first, name: catalogName(first), organizationId: 'org-0' },
      { id: 'legacy-4711', name: 'Legacy project', organizationId: 'org-0' },
      { id: second, name: catalogName(second), organizationId: 'org-0' },
    ];
    const result = await stack.query('{ projects { name invitations { username } } }');
    const projects = result.data!.projects as ProjectEntry[];
    expect(projects.map((project) => project.name)).toEqual([
      catalogName(first),
      'Legacy project',
      catalogName(second),
    ]);
    expect(projects.map((project) => project.invitations?.length ?? null)).toEqual([
      INVITATIONS_PER_PROJECT,
      null,
      INVITATIONS_PER_PROJECT,
    ]);
    expect(result.errors).toHaveLength(1);
    expect(result.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    // Apollo's gateway keeps the list index of the entity's error; Hive Gateway drops it (measured).
    expect(result.errors![0]!.path).toEqual(
      router === 'apollo' ? ['projects', 1, 'invitations'] : ['projects', 'invitations'],
    );
    expect(stack.simulator.counters.snapshot().byRoute).toEqual({ [LIST_ROUTE]: 2 });
  });

  it('opsManagerCreateInvitation, beside their createInvitation: one POST, our typename, their project name', async () => {
    const id = generatedProjectId(4);
    const result = await stack.query(
      `mutation ($projectId: OpsManagerObjectID!, $roles: [OpsManagerProjectRole!]!) {
        opsManagerCreateInvitation(projectId: $projectId, username: "router.user@example.com", roles: $roles) {
          __typename ... on OpsManagerInvitationCreated { invitation { username roles project { name } } } } }`,
      {},
      { projectId: id, roles: ['GROUP_READ_ONLY'] },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      opsManagerCreateInvitation: {
        __typename: 'OpsManagerInvitationCreated',
        invitation: {
          username: 'router.user@example.com',
          roles: ['GROUP_READ_ONLY'],
          project: { name: catalogName(id) },
        },
      },
    });
    expect(stack.simulator.counters.snapshot().byRoute).toEqual({ 'POST /groups/{groupId}/invites': 1 });

    // Their own invitation mutation, in the same supergraph, is theirs: no call to Ops Manager.
    stack.simulator.counters.reset();
    const theirs = await stack.query(
      'mutation { createInvitation(orgId: "org-1", email: "someone@example.com") { id email orgId } }',
    );
    expect(theirs).toEqual({
      data: { createInvitation: { id: 'org-invitation-2', email: 'someone@example.com', orgId: 'org-1' } },
    });
    expect(stack.simulator.counters.snapshot().requests).toBe(0);
  });

  it('opsManagerUpdateInvitationRoles by an OpsManagerInvitationSelector: one PATCH, the new roles', async () => {
    const projectId = generatedProjectId(5);
    const result = await stack.query(
      `mutation ($projectId: OpsManagerObjectID!, $invitation: OpsManagerInvitationSelector!) {
        opsManagerUpdateInvitationRoles(projectId: $projectId, invitation: $invitation, roles: [GROUP_OWNER, GROUP_BACKUP_ADMIN]) {
          __typename ... on OpsManagerInvitationRolesUpdated { invitation { username roles } } } }`,
      {},
      { projectId, invitation: { username: generatedUsername(5, 0) } },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      opsManagerUpdateInvitationRoles: {
        __typename: 'OpsManagerInvitationRolesUpdated',
        invitation: { username: generatedUsername(5, 0), roles: ['GROUP_OWNER', 'GROUP_BACKUP_ADMIN'] },
      },
    });
    const routes = Object.keys(stack.simulator.counters.snapshot().byRoute);
    expect(routes.filter((route) => route.startsWith('PATCH'))).toHaveLength(1);
  });

  it('opsManagerDeleteInvitation: one DELETE, then the same id is an OpsManagerNotFoundError, errors as data', async () => {
    const projectId = generatedProjectId(6);
    const invitationId = generatedInvitationId(6, 1);
    const mutation = `mutation { opsManagerDeleteInvitation(projectId: "${projectId}", invitationId: "${invitationId}") {
      __typename ... on OpsManagerInvitationDeleted { invitationId project { name } } ... on OpsManagerError { code message } } }`;
    const deleted = await stack.query(mutation);
    expect(deleted.errors).toBeUndefined();
    expect(deleted.data).toEqual({
      opsManagerDeleteInvitation: {
        __typename: 'OpsManagerInvitationDeleted',
        invitationId,
        project: { name: catalogName(projectId) },
      },
    });
    expect(stack.simulator.counters.snapshot().byRoute).toEqual({
      'DELETE /groups/{groupId}/invites/{invitationId}': 1,
    });

    const again = await stack.query(mutation);
    expect(again.errors).toBeUndefined();
    expect(again.data).toEqual({
      opsManagerDeleteInvitation: {
        __typename: 'OpsManagerNotFoundError',
        code: 'INVITATION_NOT_FOUND',
        message: expect.any(String),
      },
    });
  });

  it('passes the caller’s Authorization and x-request-id on to our subgraph', async () => {
    stack.subgraphRequests.length = 0;
    const headers = { authorization: 'Bearer caller-token-9', 'x-request-id': `req-${router}-1` };
    const result = await stack.query(
      `{ project(id: "${generatedProjectId(8)}") { name invitations { username } } }`,
      headers,
    );
    expect(result.errors).toBeUndefined();
    expect(stack.subgraphRequests).toHaveLength(1);
    expect(stack.subgraphRequests[0]).toMatchObject(headers);
  });

  it('their errors-as-data Error and ours, side by side in one supergraph', async () => {
    const result = await stack.query(
      `mutation { renameProject(id: "unknown", name: "x") { __typename ... on Error { message } }
        opsManagerCreateInvitation(projectId: "${generatedProjectId(7)}", username: "someone@example.com", roles: []) {
          __typename ... on OpsManagerError { code } } }`,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      renameProject: { __typename: 'NotFoundError', message: 'No project unknown.' },
      opsManagerCreateInvitation: { __typename: 'OpsManagerInvalidInputError', code: 'BAD_USER_INPUT' },
    });
    expect(stack.simulator.counters.snapshot().byRoute).toEqual({});
  });
});
